/**
 * Issue 15: import work grows linearly with the file (5,000 entries once
 * froze the page for 10 s). Measured in operations, never in seconds: the
 * BibTeX parser's calls and the characters handed to it, and the planner's
 * work count (map lookups), for 1,000 and 4,000 entries.
 */
import { describe, expect, it, vi } from 'vitest';
import * as parser from '@retorquere/bibtex-parser';
import { readingsFromBibtex } from '../../src/data/bibtex';
import { readingsFromZoteroCsv } from '../../src/data/csv';
import { planImport } from '../../src/data/importPlan';
import { aReading } from '../support/records';

vi.mock('@retorquere/bibtex-parser', async (original) => {
  const m = await original<typeof parser>();
  return { ...m, parse: vi.fn(m.parse) };
});

const bib = (n: number) =>
  '@string{ j = "Journal of " }\n' +
  Array.from(
    { length: n },
    (_, i) =>
      `@article{k${i},\n  title = {On S{\\"o}nke's graphs, part ${i}},\n  author = {M{\\"u}ller, J{\\"o}rg and {Org and Co}},\n  journal = j # "Things",\n  year = ${1990 + (i % 30)},\n  doi = {10.1000/x${i}},\n}\n`,
  ).join('');
const csv = (n: number) => `"Title","Author","DOI"\n${Array.from({ length: n }, (_, i) => `"Paper ${i}","Doe, Jane","10.1000/y${i}"`).join('\n')}\n`;

/** Work for 4n over work for n: 4 for linear work, 16 for quadratic. */
const ratio = (work: (n: number) => number) => work(4000) / work(1000);

describe('import work is linear in the size of the file', () => {
  it('BibTeX: one parser call per @-block, handed only that block', () => {
    const calls = vi.mocked(parser.parse);
    const measure = (n: number) => {
      calls.mockClear();
      const input = bib(n);
      const p = readingsFromBibtex(input, 'big.bib', () => 'id');
      expect(p.records).toHaveLength(n);
      const chars = calls.mock.calls.reduce((sum, [text]) => sum + text.length, 0);
      expect(chars).toBeLessThanOrEqual(input.length);
      return { calls: calls.mock.calls.length, chars, work: p.work };
    };
    const small = measure(1000);
    const large = measure(4000);
    expect(small.calls).toBe(1001);
    expect(large.calls).toBe(4001);
    expect(large.chars / small.chars).toBeLessThan(4.2);
    expect(large.work / small.work).toBeLessThan(4.2);
  });

  it('planning against as many readings as the file has', () => {
    const work = (n: number) => {
      const parsed = readingsFromZoteroCsv(
        csv(n),
        'big.csv',
        (() => {
          let i = 0;
          return () => `n${i++}`;
        })(),
      );
      const there = Array.from({ length: n }, (_, i) => aReading(`r${i}`, { title: `Paper ${i}`, authors: ['Doe, Jane'] }));
      const plan = planImport(parsed, there);
      expect(plan.alreadyThere).toBe(n);
      return plan.work;
    };
    expect(ratio(work)).toBeLessThan(4.2);
  });
});
