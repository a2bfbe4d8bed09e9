/**
 * The in-browser trainer, driven as the worker drives it, on Dawn + lavapipe
 * (WebGPU) and on the CPU reference, over the built-in demo in an IndexedDB
 * (fake-indexeddb): training with progress, checkpoints and resume without
 * retraining, incremental updates, pause/resume/cancel, the NaN guard, the
 * fall-back to the CPU (no adapter, and a device lost mid-training), the
 * explained recommendations and paths, and quality against the baselines.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { create, globals } from 'webgpu';
import { openStudyDb, parseBackup, type Backup } from '../../src/data/db';
import { Repo } from '../../src/data/repo';
import type { Reading } from '../../src/data/types';
import { CpuBackend, GpuBackend, createBackend, type ModelBackend } from '../../src/train/backend';
import { PrerequisiteOrder } from '../../src/eval/baselines';
import { popularityCounts } from '../../src/eval/evaluate';
import { metricsFromRanks } from '../../src/train/metrics';
import { extendVocabulary, learnerRows, rowBatch, trainingData } from '../../src/train/learnerData';
import type { FromWorker, ModelInfo, PlannedStep, Recommendation } from '../../src/worker/protocol';
import { ModelService } from '../../src/worker/service';
import { rankAmongUnread, TrainControl, Trainer } from '../../src/train/trainer';

Object.assign(globalThis, globals);
const newGpu = () => create([]) as unknown as GPU;
const demo: Backup = parseBackup(readFileSync('public/demo/demo.json', 'utf8'), 'demo.json');
let n = 0;

/** Wait (polling) until `cond` holds; the test's own timeout bounds it. */
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setTimeout(r, 20));
}

async function demoRepo(): Promise<Repo> {
  const repo = new Repo(await openStudyDb(`trainer-${Date.now()}-${n++}`));
  await repo.restore(demo, 'the demo');
  return repo;
}

/** A service with everything it posts collected. */
function service(repo: Repo, gpu: GPU) {
  const got: FromWorker[] = [];
  const s = new ModelService(repo, (m) => got.push(m), { gpu, progressEveryMs: 0 });
  const last = <T extends FromWorker['type']>(type: T) => [...got].reverse().find((m) => m.type === type) as Extract<FromWorker, { type: T }> | undefined;
  const info = () => last('info')?.info as ModelInfo;
  return { s, got, last, info };
}

function checkExplained(recs: Recommendation[] | PlannedStep[]) {
  expect(recs.length).toBeGreaterThan(0);
  for (const r of recs) {
    const total = r.because.reduce((a, b) => a + b.percent, 0);
    expect(Math.abs(total - 100), `${r.readingId}: ${JSON.stringify(r.because)}`).toBeLessThanOrEqual(1);
  }
}

function checkPath(steps: PlannedStep[], minutes: number, readings: Reading[]) {
  const byId = new Map(readings.map((r) => [r.id, r]));
  const seen = new Set<string>();
  expect(steps.reduce((a, s) => a + s.minutes, 0)).toBeLessThanOrEqual(minutes);
  for (const s of steps) {
    const r = byId.get(s.readingId)!;
    expect(r.status === 'hidden').toBe(false);
    for (const p of r.prerequisites) expect(byId.get(p)!.status === 'finished' || seen.has(p), `${s.readingId} before its prerequisite ${p}`).toBe(true);
    seen.add(s.readingId);
  }
}

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

describe('the trainer service on WebGPU (lavapipe)', () => {
  it('trains from the demo with progress, saves checkpoints, explains recommendations and plans a path; a reload resumes without training', async () => {
    const repo = await demoRepo();
    const a = service(repo, newGpu());
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: false });
    expect(a.info().state).toBe('untrained');
    await a.s.handle({ type: 'plan', minutes: 60, skip: [] });
    await a.s.handle({ type: 'train', budgetMs: 6_000 });
    await a.s.idle();
    const progress = a.got.filter((m) => m.type === 'progress').map((m) => m.progress);
    expect(progress.length).toBeGreaterThan(3);
    for (let i = 1; i < progress.length; i++) expect(progress[i].step).toBeGreaterThanOrEqual(progress[i - 1].step);
    expect(progress.every((p) => Number.isFinite(p.loss) && p.fraction >= 0 && p.fraction <= 1)).toBe(true);
    expect(a.info()).toMatchObject({ state: 'ready', backendKind: 'webgpu', fallback: null });
    const ckpt = await repo.latestCheckpoint();
    expect(ckpt?.blob.length).toBeGreaterThan(1000);

    const recs = a.last('recommendations')!;
    checkExplained(recs.recommendations);
    const byId = new Map(demo.readings.map((r) => [r.id, r]));
    // Finished readings come back only for review: the last rated understanding was under 50.
    const lastUnderstanding = new Map(demo.sessions.filter((s) => s.understanding !== null).map((s) => [s.readingId, s.understanding!]));
    for (const r of recs.recommendations) {
      const reading = byId.get(r.readingId)!;
      expect(reading.status === 'hidden').toBe(false);
      if (reading.status === 'finished') expect(lastUnderstanding.get(reading.id)).toBeLessThan(50);
      expect(reading.prerequisites.every((p) => byId.get(p)!.status === 'finished')).toBe(true);
      expect(r.probability).toBeGreaterThan(0);
    }
    const att = recs.attention;
    expect(att.weights.length).toBe(2);
    const len = att.history.length;
    for (const layer of att.weights)
      for (const m of layer) {
        for (let q = 0; q < len; q++) {
          const row = m.slice(q * len, (q + 1) * len);
          expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 4);
          expect(row.slice(q + 1).every((w) => w === 0)).toBe(true); // causal
        }
      }
    const path = a.last('path')!;
    checkPath(path.steps, 60, demo.readings);
    checkExplained(path.steps);

    // A reload: a fresh service on the same database resumes from the checkpoint with no training.
    const b = service(repo, newGpu());
    await b.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: true });
    await b.s.idle();
    expect(b.got.some((m) => m.type === 'progress')).toBe(false);
    expect(b.info().state).toBe('ready');
    // The page said what the checkpoint says: the same time, step count and validation after a reload.
    expect(b.info()).toMatchObject({ trainedAt: a.info().trainedAt, steps: a.info().steps, valHr10: a.info().valHr10 });
    const again = b.last('recommendations')!;
    expect(again.recommendations.map((r) => r.readingId)).toEqual(recs.recommendations.map((r) => r.readingId));
    for (let i = 0; i < recs.recommendations.length; i++) expect(again.recommendations[i].score).toBeCloseTo(recs.recommendations[i].score, 4);

    // A new session: a short incremental update from the checkpoint, not a retrain.
    const before = b.info().steps;
    const target = recs.recommendations[0].readingId;
    await repo.saveSession({
      id: 'new-s',
      readingId: target,
      start: '2026-11-12T08:00:00.000Z',
      end: '2026-11-12T08:40:00.000Z',
      activeMinutes: 40,
      focus: 5,
      interruptions: 0,
      understanding: 90,
      quizScore: null,
      notes: '',
    });
    await b.s.handle({ type: 'data-changed' });
    await b.s.idle();
    const phases = b.got.filter((m) => m.type === 'progress').map((m) => m.progress.phase);
    expect(phases.length).toBeGreaterThan(0);
    expect(phases.every((p) => p === 'updating')).toBe(true);
    expect(b.info().state).toBe('ready');
    expect(b.info().steps).toBeGreaterThan(before);
    expect(b.info().steps - before).toBeLessThanOrEqual(2 * 20);
    const after = b.last('recommendations')!;
    expect(after.attention.history[after.attention.history.length - 1]).toBe(target);
    b.s.currentBackend?.destroy();
    a.s.currentBackend?.destroy();
  }, 240_000);

  it('pauses, resumes and cancels between steps', async () => {
    const repo = await demoRepo();
    const a = service(repo, newGpu());
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: false });
    await a.s.handle({ type: 'train', budgetMs: 120_000 });
    const steps = () => a.got.filter((m) => m.type === 'progress').length;
    await until(() => steps() >= 2);
    await a.s.handle({ type: 'pause' });
    expect(a.info().state).toBe('paused');
    // A step (or an epoch's validation and checkpoint) in flight may still land; wait until the loop is parked.
    await until(() => a.s.held);
    const frozen = steps();
    await new Promise((r) => setTimeout(r, 1000));
    expect(steps()).toBe(frozen);
    await a.s.handle({ type: 'resume' });
    expect(a.info().state).toBe('training');
    await until(() => steps() >= frozen + 2);
    await a.s.handle({ type: 'cancel' });
    await a.s.idle();
    expect(['untrained', 'ready']).toContain(a.info().state);
    expect(a.got.some((m) => m.type === 'notice' && /cancelled/.test(m.text))).toBe(true);
    // Cancelled: the model went back to its last checkpoint, and so did the step count shown.
    if (a.info().state === 'ready') expect(a.info().steps).toBe((await repo.latestCheckpoint())!.meta.steps);
    a.s.currentBackend?.destroy();
  }, 120_000);

  it('falls back to the CPU when the device is lost mid-training and keeps going from the last checkpoint', async () => {
    const repo = await demoRepo();
    const a = service(repo, newGpu());
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: false });
    await a.s.handle({ type: 'train', budgetMs: 8_000 });
    await until(() => a.got.some((m) => m.type === 'progress'));
    (a.s.currentBackend as GpuBackend).ctx.device.destroy();
    await a.s.idle();
    expect(a.info()).toMatchObject({ state: 'ready', backendKind: 'cpu' });
    expect(a.info().fallback).toMatch(/lost/);
    expect(a.got.some((m) => m.type === 'notice' && /GPU stopped working/.test(m.text))).toBe(true);
    checkExplained(a.last('recommendations')!.recommendations);
  }, 180_000);
});

describe('the CPU fallback', () => {
  it('is chosen, with the reason, when WebGPU has no adapter', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    const d = trainingData(demo.readings, demo.sessions, demo.pathPacks);
    const { backend, fallback } = await createBackend(d.cfg, { batchSize: 8, seed: 1, content: d.content, lr: 1e-3 }, 'auto', noAdapter);
    expect(backend.kind).toBe('cpu');
    expect(fallback).toMatch(/no adapter/);
  });
  it('trains, explains and plans through the service (WebGPU unavailable)', async () => {
    const repo = await demoRepo();
    const a = service(repo, { requestAdapter: async () => null } as unknown as GPU);
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 3_000, autoTrain: true });
    await a.s.handle({ type: 'plan', minutes: 60, skip: [] });
    await a.s.idle();
    expect(a.info()).toMatchObject({ state: 'ready', backendKind: 'cpu' });
    expect(a.info().fallback).toMatch(/no adapter/);
    checkExplained(a.last('recommendations')!.recommendations);
    checkPath(a.last('path')!.steps, 60, demo.readings);
  }, 120_000);
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
    expect(out.message).toMatch(/loss became NaN.*restored/);
    expect(out.steps).toBe(3);
    expect(Array.from(await cpu.save())).toEqual(Array.from(good)); // back to the state before training
    expect(cpu.model.params.every(Number.isFinite)).toBe(true);
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
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(null);
    c.resume();
    await new Promise((r) => setTimeout(r, 0));
    expect(done).toBe(false);
    c.pause();
    const p = c.proceed();
    c.cancel();
    expect(await p).toBe(true);
  });
});
