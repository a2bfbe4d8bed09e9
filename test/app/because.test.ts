/**
 * What the page says for an explanation (app/learn/because.tsx), rendered to static HTML: the reasons with
 * their shares when the gate allows (raised, then lowered, "(planned)" for an earlier step of the path), and
 * the gate's sentence instead of any percentage when the model does not beat popularity or cannot tell yet.
 */
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { BecauseLine } from '../../src/app/learn/because';
import { explanationGate, validationReport } from '../../src/eval/validation';
import { demo } from '../support/service';
import type { Because } from '../../src/recommend/advice';

const [a, b, c] = demo.readings;
const titles = new Map(demo.readings.map((r) => [r.id, r.title]));

/** The page's text for `because` after a validation of `n` events where the model hits `m` and popularity `p`. */
function text(because: Because[], n: number, m: number, p: number): string {
  const ranks = (hits: number) => Array.from({ length: n }, (_, i) => (i < hits ? 0 : 99));
  const gate = explanationGate(validationReport({ model: ranks(m), popularity: ranks(p), learner: n }));
  return renderToStaticMarkup(createElement(BecauseLine, { because, gate, title: (id) => titles.get(id)! })).replace(/<[^>]+>/g, '');
}

const why: Because[] = [
  { readingId: a.id, percent: 41 },
  { readingId: b.id, percent: 22, planned: true },
  { readingId: c.id, percent: 12, lowered: true },
];

describe('the explanation in words', () => {
  it('names what raised the score, then what lowered it, with their shares', () => {
    expect(text(why, 30, 12, 8)).toBe(`Because you studied ${a.title} 41 % and ${b.title} (planned) 22 %; lowered by ${c.title} 12 %.`);
    expect(text(why.slice(2), 30, 12, 8)).toBe(`Nothing you studied raised it; lowered by ${c.title} 12 %.`);
    expect(text([], 30, 12, 8)).toBe('Nothing in your history changes this score measurably.');
  });
  it('gives no percentages when the model does not beat popularity, or there are too few events to tell', () => {
    const notBetter = text(why, 30, 8, 8);
    expect(notBetter).toMatch(/^No reasons given: .* does not beat suggesting the most-read readings/);
    const tooLittle = text(why, 19, 19, 0);
    expect(tooLittle).toMatch(/^No reasons yet: too little history to tell/);
    for (const t of [notBetter, tooLittle]) expect(t).not.toMatch(/%/);
  });
});
