/**
 * The in-browser trainer over the built-in demo, on Dawn + lavapipe (WebGPU) and on the CPU reference:
 * the training data, the choice of engine, the NaN guard, quality against the baselines, and pause/cancel.
 * The worker's ModelService that drives it: test/worker/.
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend, GpuBackend, createBackend, type ModelBackend } from '../../src/train/backend';
import { PrerequisiteOrder } from '../../src/eval/baselines';
import { popularityCounts } from '../../src/eval/evaluate';
import { metricsFromRanks } from '../../src/train/metrics';
import { extendVocabulary, learnerRows, rowBatch, trainingData } from '../../src/train/learnerData';
import { rankAmongUnread, TrainControl, Trainer } from '../../src/train/trainer';
import { demo, firstDifference, newGpu, turns } from '../support/service';

describe('training data', () => {
  it('keeps item ids across catalog changes: deleted readings leave a hole, new ones are appended', () => {
    const rs = demo.readings.slice(0, 5);
    const v1 = extendVocabulary(rs);
    const v2 = extendVocabulary([...rs.slice(1), { ...rs[0], id: 'new-one', addedAt: '2000-01-01T00:00:00.000Z' }], v1.readingOf);
    expect(v2.readingOf).toEqual([...v1.readingOf.map((id) => (id === rs[0].id ? '' : id)), 'new-one']);
    expect(v2.idOf.get('new-one')).toBe(6);
    for (const r of rs.slice(1)) expect(v2.idOf.get(r.id)).toBe(v1.idOf.get(r.id));
  });
  it("holds the learner's newest events out of the loss and carries features into the batch", () => {
    const d = trainingData(demo.readings, demo.sessions, demo.pathPacks);
    expect(d.holdout).toBeGreaterThan(0);
    const rows = learnerRows(d.learner, d.holdout, d.cfg.maxlen);
    const held = new Set(d.learner.items.slice(d.learner.items.length - d.holdout));
    const b = rowBatch(d.cfg, rows, 32);
    const T = d.cfg.maxlen;
    const newest = d.learner.items.length - d.holdout; // first held-out index
    // Row 0 ends at the newest trainable target: its last target is item newest-1, never a held-out one.
    expect(b.targets[T - 1]).toBe(d.learner.items[newest - 1]);
    expect(held.has(b.inputs[T - 1]) && d.learner.items.indexOf(b.inputs[T - 1]) >= newest).toBe(false);
    const F = d.cfg.features;
    expect(Array.from(b.features!.subarray((T - 1) * F, T * F))).toEqual(Array.from(d.learner.features.subarray((newest - 2) * F, (newest - 1) * F)));
  });
});
describe('the CPU fallback', () => {
  it('is chosen, with the reason, when WebGPU has no adapter', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    const d = trainingData(demo.readings, demo.sessions, demo.pathPacks);
    const { backend, fallback } = await createBackend(d.cfg, { batchSize: 8, seed: 1, content: d.content, lr: 1e-3 }, 'auto', noAdapter);
    expect(backend.kind).toBe('cpu');
    expect(fallback).toMatch(/no adapter/);
  });
});

describe('the NaN guard', () => {
  it('stops at a non-finite loss and restores the last good checkpoint', async () => {
    const d = trainingData(demo.readings, demo.sessions, demo.pathPacks);
    const cpu = new CpuBackend(d.cfg, { batchSize: 16, seed: 3, content: d.content, lr: 1e-3 });
    let calls = 0;
    // The real model, poisoned from its 3rd step on: its weights become NaN and so does the loss.
    const poisoned: ModelBackend = Object.assign(Object.create(cpu) as CpuBackend, {
      trainStep: async (batch: Parameters<ModelBackend['trainStep']>[0]) => {
        calls++;
        if (calls >= 3) cpu.model.params.fill(NaN);
        return cpu.trainStep(batch);
      },
    });
    const trainer = new Trainer(poisoned, d, 16, 1);
    const good = await cpu.save();
    const out = await trainer.train({ epochs: 2, budgetMs: Infinity });
    expect(out.status).toBe('diverged');
    expect(out.message).toMatch(/loss became NaN.*restored to the model this run started from\.$/);
    expect(out.steps).toBe(3);
    expect(firstDifference(await cpu.save(), good)).toBe(-1); // back to the state before training
    expect(cpu.model.params.every(Number.isFinite)).toBe(true);
  });

  it('says so when the restored model scores no better (non-finite scores after the restore)', async () => {
    const d = trainingData(demo.readings, demo.sessions, demo.pathPacks);
    const cpu = new CpuBackend(d.cfg, { batchSize: 16, seed: 3, content: d.content, lr: 1e-3 });
    let calls = 0;
    // From its 3rd step on the engine is broken beyond its weights: the loss and every score are NaN, restore or not.
    const broken: ModelBackend = Object.assign(Object.create(cpu) as CpuBackend, {
      trainStep: async (batch: Parameters<ModelBackend['trainStep']>[0]) => (++calls >= 3 ? NaN : cpu.trainStep(batch)),
      scores: async (h: number[], f: Float32Array) => (calls >= 3 ? new Float32Array(d.cfg.items + 1).fill(NaN) : cpu.scores(h, f)),
    });
    const out = await new Trainer(broken, d, 16, 1).train({ epochs: 2, budgetMs: Infinity });
    expect(out.status).toBe('diverged');
    expect(out.message).toMatch(/loss became NaN\. Restoring the model this run started from did not help: its scores are not numbers either\. Retrain/);
    expect(out.message).not.toMatch(/was restored/);
  });

  it("stops when the weights are not finite at an epoch's end though the loss was, and hands no checkpoint over", async () => {
    const d = trainingData(demo.readings, demo.sessions, demo.pathPacks);
    const cpu = new CpuBackend(d.cfg, { batchSize: 16, seed: 3, content: d.content, lr: 1e-3 });
    const trainer = new Trainer(cpu, d, 16, 1);
    let calls = 0;
    // A NaN lands in one weight by the last step of epoch 1, after that step's (finite) loss.
    cpu.trainStep = async (batch) => {
      const loss = cpu.model.trainStep(batch);
      if (++calls === trainer.stepsPerEpoch) cpu.model.params[cpu.model.params.length - 1] = NaN;
      return loss;
    };
    const good = await cpu.save();
    const saved: Uint8Array[] = [];
    const out = await trainer.train({ epochs: 2, budgetMs: Infinity, onEpoch: (blob) => void saved.push(blob) });
    expect(out.status).toBe('diverged');
    expect(out.message).toMatch(/after epoch 1 the weights were not all finite, so no checkpoint was written \(1 value is not finite/);
    expect(saved).toEqual([]);
    expect(firstDifference(await cpu.save(), good)).toBe(-1);
  });
});

describe('quality on the demo', () => {
  it("beats popularity and next-in-prerequisite-order on the community learners' held-out next readings", async () => {
    const d = trainingData(demo.readings, demo.sessions, demo.pathPacks);
    const backend = await GpuBackend.create(d.cfg, { batchSize: 32, seed: 1, content: d.content, lr: 2e-3 }, newGpu());
    const trainer = new Trainer(backend, d, 32, 1, 4, true);
    await trainer.train({ epochs: 14, budgetMs: Infinity });
    const model = await trainer.validateCommunity();
    const cases = d.community.map((s) => ({ history: s.slice(0, -1), target: s[s.length - 1] }));
    const pop = popularityCounts(
      cases.map((c) => c.history),
      d.cfg.items,
    );
    const prereq = new PrerequisiteOrder(demo.readings, d.vocab, d.cfg.items);
    const rank = (score: (h: number[]) => ArrayLike<number>) =>
      metricsFromRanks(cases.map(({ history, target }) => rankAmongUnread(score(history), target, history, d.vocab.readingOf)));
    const popM = rank(() => pop);
    const preM = rank((h) => prereq.scores(h));
    console.log(
      `demo quality: model HR@10 ${model.hr10.toFixed(3)} NDCG@10 ${model.ndcg10.toFixed(3)}; popularity ${popM.hr10.toFixed(3)} / ${popM.ndcg10.toFixed(3)}; prerequisite order ${preM.hr10.toFixed(3)} / ${preM.ndcg10.toFixed(3)}`,
    );
    expect(model.users).toBe(d.community.length);
    expect(model.hr10).toBeGreaterThan(popM.hr10 + 0.1);
    expect(model.hr10).toBeGreaterThan(preM.hr10 + 0.1);
    expect(model.ndcg10).toBeGreaterThan(Math.max(popM.ndcg10, preM.ndcg10));
    backend.destroy();
  }, 180_000);
});

describe('TrainControl', () => {
  it('blocks while paused and releases on resume or cancel', async () => {
    const c = new TrainControl();
    c.pause();
    let done: boolean | null = null;
    void c.proceed().then((x) => (done = x));
    await turns();
    expect(done).toBe(null);
    c.resume();
    await turns(1);
    expect(done).toBe(false);
    c.pause();
    const p = c.proceed();
    c.cancel();
    expect(await p).toBe(true);
  });
});
