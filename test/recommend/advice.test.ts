/**
 * The advice's explanations (recommend/advice.ts) on the built-in demo, on the float64 CPU backend: each
 * recommendation carries its own leave-one-out explanation from one batched pass (the same as explaining it
 * alone), different candidates get different explanations, none names itself; a path step is explained
 * from the path's sequence so far, and an earlier step it names is marked planned.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { planSteps, recommendNext, type Because, type Recommendation } from '../../src/recommend/advice';
import { explainByRemoval } from '../../src/recommend/effects';
import { CpuBackend, GpuBackend } from '../../src/train/backend';
import { learnerRows, rowBatch, trainingData, withNeutralTail, type TrainingData } from '../../src/train/learnerData';
import { demo, newGpu } from '../support/service';

let d: TrainingData;
let cpu: CpuBackend;
let recs: Recommendation[];
beforeAll(async () => {
  d = trainingData(demo.readings, demo.sessions, demo.pathPacks);
  const o = { batchSize: 32, seed: 1, content: d.content, lr: 5e-3 };
  // Ten steps on lavapipe (fast), then the same parameters in the CPU backend.
  const gpu = await GpuBackend.create(d.cfg, o, newGpu());
  const batch = rowBatch(d.cfg, learnerRows(d.learner, d.holdout, d.cfg.maxlen), 32);
  for (let s = 0; s < 10; s++) await gpu.trainStep(batch);
  cpu = new CpuBackend(d.cfg, o);
  cpu.load(await gpu.save());
  gpu.destroy();
  recs = (await recommendNext(d, cpu)).recommendations;
}, 120_000);

/** Raised first then lowered, whole percents of one total (at most 100 together), never the reading itself. */
function wellFormed(id: string, because: Because[]) {
  expect(because.length, id).toBeGreaterThan(0);
  expect(
    because.reduce((a, b) => a + b.percent, 0),
    id,
  ).toBeLessThanOrEqual(100);
  for (const b of because) {
    expect(b.readingId, id).not.toBe(id);
    expect(b.percent, id).toBeGreaterThanOrEqual(1);
  }
  const firstLowered = because.findIndex((b) => b.lowered);
  if (firstLowered >= 0) expect(because.slice(firstLowered).every((b) => b.lowered)).toBe(true);
}

describe('recommendations explained by removal', () => {
  it('each of the ten has its own explanation, never naming itself, as explaining it alone gives', async () => {
    expect(recs.length).toBe(10);
    for (const r of recs) wellFormed(r.readingId, r.because);
    // Two different candidates, two different explanations.
    expect(new Set(recs.map((r) => JSON.stringify(r.because))).size).toBeGreaterThan(1);
    // The batched explanation of all ten equals explaining one alone.
    for (const r of [recs[0], recs[recs.length - 1]]) {
      const alone = (await explainByRemoval(d, cpu, [r.readingId])).get(r.readingId)!;
      expect(r.because).toEqual([...alone.raised, ...alone.lowered.map((c) => ({ ...c, lowered: true }))]);
    }
  });
});

describe('path steps explained from the path so far', () => {
  it('explains each step after the history and the earlier steps, and marks an earlier step it names as planned', async () => {
    const steps = await planSteps(d, cpu, 120, []);
    expect(steps.length).toBeGreaterThan(1);
    const studied = new Set(d.learner.items.map((id) => d.vocab.readingOf[id]));
    const seq = [...d.learner.items];
    for (const [k, s] of steps.entries()) {
      wellFormed(s.readingId, s.because);
      const alone = (await explainByRemoval(d, cpu, [s.readingId], { items: seq, features: withNeutralTail(d.learner.features, seq, d.minutes) })).get(
        s.readingId,
      )!;
      expect(s.because.map((b) => [b.readingId, b.percent])).toEqual([...alone.raised, ...alone.lowered].map((c) => [c.readingId, c.percent]));
      const earlier = new Set(steps.slice(0, k).map((p) => p.readingId));
      for (const b of s.because) expect(b.planned === true, `${s.readingId} names ${b.readingId}`).toBe(earlier.has(b.readingId) && !studied.has(b.readingId));
      seq.push(d.vocab.idOf.get(s.readingId)!);
    }
  });
});
