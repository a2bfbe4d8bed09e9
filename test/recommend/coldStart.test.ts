/**
 * The starting suggestion (recommend/coldStart.ts): its order without a pack (prerequisite depth, then
 * difficulty, then length), with one (what the pack's learners read first), and the path it gives
 * (no unmet prerequisite, nothing hidden, abandoned or finished, within the minutes).
 */
import { describe, expect, it } from 'vitest';
import { foundationOrder, isColdStart, packOrder, prerequisiteDepth, starterOrder, starterPath } from '../../src/recommend/coldStart';
import type { PathPack } from '../../src/data/types';
import { aReading } from '../support/records';

const pack = (sequences: string[][]): PathPack => ({ id: 'p', name: 'pack', importedAt: '2026-11-01T00:00:00.000Z', sequences });
const ids = (rs: { id: string }[]) => rs.map((r) => r.id);

// base (depth 0) ← mid (1) ← top (2); easy, long and short are depth 0 with other difficulty and length.
const catalog = [
  aReading('top', { prerequisites: ['mid'], difficulty: 1, minutes: 10 }),
  aReading('mid', { prerequisites: ['base', 'gone'], difficulty: 1, minutes: 10 }),
  aReading('base', { difficulty: 3, minutes: 20 }),
  aReading('easy', { difficulty: 1, minutes: 60 }),
  aReading('short', { difficulty: 3, minutes: 5 }),
  aReading('hard', { difficulty: 5, minutes: 5 }),
];

describe('the starting order without a pack', () => {
  it('goes by prerequisite depth, then difficulty, then length', () => {
    expect(Object.fromEntries(prerequisiteDepth(catalog))).toEqual({ top: 2, mid: 1, base: 0, easy: 0, short: 0, hard: 0 });
    expect(ids(foundationOrder(catalog))).toEqual(['easy', 'short', 'base', 'hard', 'mid', 'top']);
    expect(starterOrder(catalog, []).fromPack).toBe(false);
    // A pack that names no reading of the catalog is no pack.
    expect(starterOrder(catalog, [pack([['x', 'y']])]).fromPack).toBe(false);
  });
  it('survives a prerequisite cycle', () => {
    const cyc = [aReading('a', { prerequisites: ['b'] }), aReading('b', { prerequisites: ['a'] })];
    // a → b → a: the cycle is cut where it closes (at a), so b counts 1 and a 2; no endless recursion.
    expect(Object.fromEntries(prerequisiteDepth(cyc))).toEqual({ a: 2, b: 1 });
  });
});

describe('the starting order with a pack', () => {
  it("follows the mean position of the pack's learners, ties to the more read, then the unread in foundation order", () => {
    // hard at 0,0 (mean 0); base at 1,2 (1.5); short at 1 (1, one learner); mid at 2,1 (1.5, like base);
    // easy and top never read. 'gone' is not in the catalog and is skipped, as the trainer skips it.
    const p = pack([
      ['hard', 'short', 'mid', 'base'],
      ['hard', 'gone', 'mid', 'base'],
    ]);
    // positions: hard 0,0; short 1; mid 2,1; base 3,2
    expect(ids(packOrder(catalog, [p]))).toEqual(['hard', 'short', 'mid', 'base', 'easy', 'top']);
    const tie = pack([['short'], ['base'], ['base', 'short'], ['short', 'base']]);
    expect(starterOrder(catalog, [tie]).fromPack).toBe(true);
    // short: 0, 1, 0 (mean 1/3); base: 0, 0, 1 (mean 1/3): a tie of mean and count goes to foundation order.
    expect(ids(packOrder(catalog, [tie])).slice(0, 2)).toEqual(['short', 'base']);
    const more = pack([['base'], ['base'], ['short']]);
    // Both at mean 0: base was read by two learners, short by one.
    expect(ids(packOrder(catalog, [more])).slice(0, 2)).toEqual(['base', 'short']);
  });
});

describe('the starting path', () => {
  it('keeps to readings whose prerequisites are met, in order, within the minutes', async () => {
    const { steps, fromPack } = await starterPath({ catalog, packs: [], minutes: 120 });
    expect(fromPack).toBe(false);
    // mid waits for base (planned earlier), top for mid; easy (60) fits, then what is left.
    expect(ids(steps.map((s) => ({ id: s.readingId })))).toEqual(['easy', 'short', 'base', 'hard', 'mid', 'top']);
    expect(steps.at(-1)!.cumulative).toBeLessThanOrEqual(120);
    const short = await starterPath({ catalog, packs: [], minutes: 30 });
    expect(short.steps.map((s) => s.readingId)).toEqual(['short', 'base', 'hard']);
  });
  it('puts a reading after its prerequisites even when the pack read it first', async () => {
    const { steps } = await starterPath({ catalog, packs: [pack([['top', 'mid', 'base']])], minutes: 600 });
    const order = steps.map((s) => s.readingId);
    expect(order.indexOf('base')).toBeLessThan(order.indexOf('mid'));
    expect(order.indexOf('mid')).toBeLessThan(order.indexOf('top'));
  });
  it('leaves out hidden, abandoned and finished readings and those skipped; a reading being read may continue', async () => {
    const rs = [
      aReading('h', { status: 'hidden' }),
      aReading('ab', { status: 'abandoned' }),
      aReading('f', { status: 'finished' }),
      aReading('on', { status: 'reading' }),
      aReading('after-f', { prerequisites: ['f'] }),
      aReading('after-ab', { prerequisites: ['ab'] }),
      aReading('s'),
    ];
    const { steps } = await starterPath({ catalog: rs, packs: [], minutes: 600, skip: new Set(['s']) });
    expect(steps.map((s) => s.readingId).sort()).toEqual(['after-f', 'on']);
  });
  it('is offered below five sessions only', () => {
    expect([0, 4, 5].map(isColdStart)).toEqual([true, true, false]);
  });
});
