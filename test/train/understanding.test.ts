/**
 * Issue 18: the learner's rated sessions as knowledge-tracing data (skills from topics, attempts in time
 * order, windows that never reach past the training end, relabelled skills kept consistent), and the app's
 * model on both engines: the WGSL engine and the float64 CPU model agree, and a reset model is a fresh one.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { Rng } from '../../src/model/random';
import { queryWindow, readingSkills, trainingWindows, understandingData, UNTAGGED } from '../../src/train/understandingData';
import { createUnderstandingModel, predictUnderstanding, restartUnderstandingModel, trainUnderstanding, WAIT_EVERY } from '../../src/train/understandingModel';
import { aReading, aSession } from '../support/records';
import { gpuContext, relErr, testSeed } from '../support/gpu';

const seed = testSeed();

const readings = [aReading('a', { topics: ['linear algebra', 'numerics'] }), aReading('b', { topics: ['probability'] }), aReading('c', { topics: [] })];

/** n rated sessions over readings a, b, c in turn (every third unrated), each a day apart; outcomes from `rng`. */
function history(n: number, rng: Rng) {
  return Array.from({ length: n }, (_, i) =>
    aSession(`s${i}`, readings[i % 3].id, i * 1440, { understanding: i % 7 === 3 ? null : Math.round(rng.next() * 100) }),
  );
}

describe('understanding data', () => {
  it('a reading’s skill is its first topic; untagged readings share one; unrated sessions are no attempts; time order', () => {
    const sessions = [
      aSession('late', 'b', 100, { quizScore: 80 }),
      aSession('early', 'a', 0, { understanding: 20 }),
      aSession('none', 'c', 50),
      aSession('mid', 'c', 60, { understanding: 60 }),
    ];
    const d = understandingData(readings, sessions);
    expect(d.topics).toEqual(['linear algebra', 'numerics', 'probability', UNTAGGED]);
    expect(d.attempts.map((a) => [a.sessionId, d.topics[a.skill - 1], a.understood])).toEqual([
      ['early', 'linear algebra', 0],
      ['mid', UNTAGGED, 1],
      ['late', 'probability', 1],
    ]);
    expect(readingSkills(d, readings[0])).toEqual([1, 2]);
    expect(readingSkills(d, readings[2])).toEqual([4]);
    // The key follows the attempts: a new rating trains again, an unrated session does not.
    expect(understandingData(readings, [...sessions, aSession('x', 'a', 200)]).key).toBe(d.key);
    expect(understandingData(readings, [...sessions, aSession('x', 'a', 200, { understanding: 90 })]).key).not.toBe(d.key);
  });

  it(`training windows stay before the end, see the attempt before them, and relabel skills consistently (seed ${seed})`, () => {
    const end = 30;
    // Without relabelling: every session on a reading of its own topic, so each window's skills say where it starts.
    const own = Array.from({ length: 60 }, (_, i) => aReading(`own${i}`, { topics: [`topic ${String(i).padStart(2, '0')}`] }));
    const rng = new Rng(seed);
    const unique = understandingData(
      own,
      own.map((r, i) => aSession(`u${i}`, r.id, i * 1440, { understanding: Math.round(rng.next() * 100) })),
    );
    const K1 = unique.topics.length;
    for (const w of trainingWindows(unique, end, 8, 200, new Rng(seed + 1), false)) {
      expect(w.skills.length).toBeGreaterThanOrEqual(2);
      expect(w.skills.length).toBeLessThanOrEqual(8);
      const s = unique.attempts.findIndex((a) => a.skill === w.skills[0]);
      expect(s + w.skills.length).toBeLessThanOrEqual(end);
      expect(Array.from(w.skills)).toEqual(unique.attempts.slice(s, s + w.skills.length).map((a) => a.skill));
      expect(Array.from(w.correct)).toEqual(unique.attempts.slice(s, s + w.skills.length).map((a) => a.understood));
      expect(w.scoreFrom).toBe(s === 0 ? 1 : 0);
      const before = unique.attempts[s - 1];
      expect(w.prev).toBe(s === 0 ? 0 : before.skill + K1 * before.understood);
    }
    // Relabelled: skills repeat; some run of attempts before the end fits the window under one relabelling
    // (equal skills stay equal, different ones different, the attempt before it included).
    const d = understandingData(readings, history(60, new Rng(seed + 2)));
    const K = d.topics.length;
    for (const w of trainingWindows(d, end, 8, 200, new Rng(seed + 3), true)) {
      const fits = [...Array(end - w.skills.length + 1).keys()].some((st) => {
        const map = new Map<number, number>();
        const ok = (from: number, to: number) => (map.has(from) ? map.get(from) === to : [...map.values()].includes(to) ? false : (map.set(from, to), true));
        const run = d.attempts.slice(st, st + w.skills.length);
        if (run.some((a, i) => a.understood !== w.correct[i])) return false;
        const prevOk =
          st === 0
            ? w.prev === 0 && w.scoreFrom === 1
            : w.scoreFrom === 0 && d.attempts[st - 1].understood === (w.prev > K ? 1 : 0) && ok(d.attempts[st - 1].skill, ((w.prev - 1) % K) + 1);
        return prevOk && run.every((a, i) => ok(a.skill, w.skills[i]));
      });
      expect(fits).toBe(true);
    }
  });

  it('a query window asks for the skill after the last maxlen - 1 attempts', () => {
    const d = understandingData(readings, history(20, new Rng(seed)));
    const w = queryWindow(d, 12, 3, 5);
    expect(Array.from(w.skills)).toEqual([...d.attempts.slice(8, 12).map((a) => a.skill), 3]);
    expect(w.scoreFrom).toBe(4);
    const before = d.attempts[7];
    expect(w.prev).toBe(before.skill + d.topics.length * before.understood);
  });
});

describe('the understanding model', () => {
  let ctx: GpuContext;
  beforeAll(async () => {
    ctx = await gpuContext();
  });

  it(`trains the same on the WGSL engine and the float64 CPU model, and a reset model is a fresh one (seed ${seed})`, async () => {
    const d = understandingData(readings, history(40, new Rng(seed)));
    const queries = [10, 25, 33].flatMap((end) => [1, 2, 3, 4].map((skill) => ({ end, skill })));
    const gpu = await createUnderstandingModel(d, ctx);
    const cpu = await createUnderstandingModel(d, null);
    let steps = 0;
    for (const m of [gpu, cpu]) await trainUnderstanding(m, d, { end: 30, steps: 20, onStep: () => steps++ });
    expect(steps).toBe(40);
    const pg = await predictUnderstanding(gpu, d, queries);
    const pc = await predictUnderstanding(cpu, d, queries);
    expect(relErr(pg, pc)).toBeLessThan(1e-3);
    // Trained more, then reset and trained again as before: the same predictions as the first time.
    await trainUnderstanding(gpu, d, { end: 30, steps: 7, seed: seed + 5 });
    restartUnderstandingModel(gpu);
    await trainUnderstanding(gpu, d, { end: 30, steps: 20 });
    expect(relErr(await predictUnderstanding(gpu, d, queries), pg)).toBeLessThan(1e-6);
    // Cancelled before its first step: nothing trained.
    expect(await trainUnderstanding(cpu, d, { end: 30, cancelled: () => true })).toBe('cancelled');
    await expect(predictUnderstanding(cpu, d, [{ end: 0, skill: 1 }])).rejects.toThrow(/needs 1\.\.\d+ attempts before it, got 0/);
  });

  it('waits for the GPU every few steps and at the last, so that progress is work done and a cancel acts soon', async () => {
    const d = understandingData(readings, history(40, new Rng(seed)));
    const model = await createUnderstandingModel(d, null);
    const waited: boolean[] = [];
    const step = model.trainStep.bind(model);
    model.trainStep = (batch, readLoss) => {
      waited.push(readLoss ?? true);
      return step(batch, readLoss);
    };
    await trainUnderstanding(model, d, { end: 30, steps: 2 * WAIT_EVERY + 3 });
    expect(waited).toHaveLength(2 * WAIT_EVERY + 3);
    expect(waited.flatMap((w, i) => (w ? [i + 1] : []))).toEqual([WAIT_EVERY, 2 * WAIT_EVERY, 2 * WAIT_EVERY + 3]);
  });
});
