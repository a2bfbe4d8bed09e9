import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_FEATURES, buildVocabulary, contentTokens, itemContent, learnerSequence, packSequences } from '../../src/train/fromHistory';
import { contentSegments } from '../../src/model/batch';
import { parseBackup } from '../../src/data/db';
import type { Reading, StudySession } from '../../src/data/types';

const r = (id: string, addedAt: string, title = `Reading ${id}`, topics: string[] = []): Reading => ({
  id,
  title,
  url: null,
  authors: [],
  year: null,
  topics,
  minutes: 30,
  difficulty: 3,
  prerequisites: [],
  addedAt,
  status: 'unread',
  source: 'manual',
  progress: null,
  doi: null,
});
const s = (id: string, readingId: string, start: string, extra: Partial<StudySession> = {}): StudySession => ({
  id,
  readingId,
  start,
  end: start,
  activeMinutes: 20,
  focus: 4,
  interruptions: 0,
  understanding: 80,
  quizScore: null,
  notes: '',
  progressAt: null,
  ...extra,
});

describe("from the learner's data to model inputs", () => {
  it('numbers items stably: adding a reading never renumbers older ones', () => {
    const a = buildVocabulary([r('b', '2026-01-02'), r('a', '2026-01-01')]);
    expect(a.readingOf).toEqual(['', 'a', 'b']);
    const b = buildVocabulary([r('b', '2026-01-02'), r('a', '2026-01-01'), r('c', '2026-02-01')]);
    expect(b.idOf.get('a')).toBe(1);
    expect(b.idOf.get('b')).toBe(2);
    expect(b.idOf.get('c')).toBe(3);
  });
  it('hashes title words and topics into content tokens the engine accepts', () => {
    const readings = [r('a', '1', 'Attention Is All You Need', ['Transformers']), r('b', '2', 'Gödel, Escher, Bach'), r('c', '3', 'A')];
    expect(contentTokens(readings[0])).toEqual(['w:attention', 'w:need', 't:transformers']);
    expect(contentTokens(readings[1])).toEqual(['w:godel', 'w:escher', 'w:bach']);
    const v = buildVocabulary(readings);
    const c = itemContent(readings, v, 97);
    expect(c.offsets[v.idOf.get('c')! + 1] - c.offsets[v.idOf.get('c')!]).toBe(0); // no usable tokens
    expect(() => contentSegments(c, 3, 97)).not.toThrow();
  });
  it('turns sessions into events, merging consecutive sessions on one reading', () => {
    const v = buildVocabulary([r('a', '1'), r('b', '2')]);
    const seq = learnerSequence(
      [
        s('3', 'b', '2026-03-03T10:00:00Z', { understanding: null, focus: 2 }),
        s('1', 'a', '2026-03-01T10:00:00Z'),
        s('2', 'a', '2026-03-02T10:00:00Z', { activeMinutes: 40, understanding: 60 }),
        s('4', 'gone', '2026-03-04T10:00:00Z'),
      ],
      v,
    );
    expect(seq.items).toEqual([1, 2]);
    expect(seq.features.length).toBe(2 * EVENT_FEATURES);
    expect(seq.features[1]).toBeCloseTo(0.6, 6); // the last rating of the merged reading
    expect(seq.features[2]).toBeCloseTo(Math.log1p(60) / 5, 6); // 20 + 40 minutes
    expect(Array.from(seq.features.slice(3))).toEqual([Math.fround(0.4), 0.5, Math.fround(Math.log1p(20) / 5)]);
  });
  it('works on the demo: one event per studied reading, in time order', () => {
    const demo = parseBackup(readFileSync('public/demo/demo.json', 'utf8'), 'demo.json');
    const v = buildVocabulary(demo.readings);
    const seq = learnerSequence(demo.sessions, v);
    expect(seq.items.length).toBeGreaterThan(15);
    expect([...seq.times].sort()).toEqual(seq.times);
    expect(packSequences([{ id: 'p', name: 'p', importedAt: '', sequences: [[demo.readings[0].id, 'missing', demo.readings[1].id]] }], v)).toEqual([
      [v.idOf.get(demo.readings[0].id), v.idOf.get(demo.readings[1].id)],
    ]);
  });
});
