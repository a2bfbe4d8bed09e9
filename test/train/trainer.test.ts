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
import { ModelService, type ServiceOptions } from '../../src/worker/service';
import type { TrainerLock } from '../../src/worker/lock';
import { rankAmongUnread, TrainControl, Trainer } from '../../src/train/trainer';
import { APP_TRAINING } from '../../src/model/config';
import { decodeCheckpoint } from '../../src/model/checkpoint';
import { until } from '../support/harness';

Object.assign(globalThis, globals);
const newGpu = () => create([]) as unknown as GPU;
const demo: Backup = parseBackup(readFileSync('public/demo/demo.json', 'utf8'), 'demo.json');
let n = 0;

/** Let every timer and I/O callback queued so far run (a few turns of the event loop), without waiting on a clock. */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

/** Index of the first byte where two checkpoints differ, -1 when equal (a diff of megabytes would stall the reporter). */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return a.findIndex((x, i) => x !== b[i]);
}

/** The services' fake clock moves this far with each progress message: time budgets become step counts. */
const MS_PER_PROGRESS = 1000;

async function demoRepo(): Promise<Repo> {
  const repo = new Repo(await openStudyDb(`trainer-${Date.now()}-${n++}`));
  await repo.restore(demo, 'the demo');
  return repo;
}

/**
 * A service with everything it posts collected, on a fake clock that moves MS_PER_PROGRESS with each
 * progress message (so a time budget ends after a known number of steps on any machine). `react` sees each
 * message as it is posted, before the trainer takes its next step: tests steer the run at exact steps.
 */
function service(repo: Repo, gpu: GPU, react?: (m: FromWorker, s: ModelService) => void, more: Partial<ServiceOptions> = {}) {
  const got: FromWorker[] = [];
  let now = 0;
  const s: ModelService = new ModelService(
    repo,
    (m) => {
      got.push(m);
      if (m.type === 'progress') now += MS_PER_PROGRESS;
      react?.(m, s);
    },
    { gpu, progressEveryMs: 0, clock: () => now, ...more },
  );
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
    const budgetMs = 6_000;
    await a.s.handle({ type: 'train', budgetMs });
    await a.s.idle();
    const progress = a.got.filter((m) => m.type === 'progress').map((m) => m.progress);
    // The budget ends the run at the first step past it (the fake clock: one step, one progress message),
    // inside the first epoch; that epoch's validation and checkpoint still run and report (two more messages).
    const budgetSteps = budgetMs / MS_PER_PROGRESS + 1;
    expect(progress[0].steps / progress[0].epochs).toBeGreaterThan(budgetSteps);
    expect(progress.map((p) => p.step)).toEqual([...Array.from({ length: budgetSteps }, (_, i) => i + 1), budgetSteps, budgetSteps]);
    expect(progress.every((p) => Number.isFinite(p.loss) && p.fraction >= 0 && p.fraction <= 1)).toBe(true);
    expect(progress.at(-1)!.fraction).toBe(1); // the time used is the whole budget
    expect(progress.at(-1)!.valHr10).not.toBeNull();
    expect(a.info()).toMatchObject({ steps: budgetSteps });
    expect(a.info()).toMatchObject({ state: 'ready', backendKind: 'webgpu', fallback: null });
    const ckpt = await repo.latestCheckpoint();
    expect(ckpt?.blob.length).toBeGreaterThan(1000);

    const recs = a.last('recommendations')!;
    checkExplained(recs.recommendations);
    // The ten best, best first; probabilities are one softmax (ratios follow the score differences), within (0, 1].
    const top = recs.recommendations;
    expect(top.length).toBe(10);
    for (let i = 1; i < top.length; i++) {
      expect(top[i].score).toBeLessThanOrEqual(top[i - 1].score);
      expect(Math.log(top[i - 1].probability / top[i].probability)).toBeCloseTo(top[i - 1].score - top[i].score, 4);
    }
    expect(top.every((r) => r.probability > 0 && r.probability <= 1)).toBe(true);
    expect(top.reduce((x, r) => x + r.probability, 0)).toBeLessThanOrEqual(1 + 1e-9);
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
    const update = b.got.filter((m) => m.type === 'progress').map((m) => m.progress);
    expect(update.length).toBeGreaterThan(0);
    expect(update.every((p) => p.phase === 'updating' && p.epochs === APP_TRAINING.updateEpochs)).toBe(true);
    expect(b.info().state).toBe('ready');
    // The update's own budget (APP_TRAINING.updateBudgetMs on the fake clock) cut it before its APP_TRAINING.updateEpochs were done.
    const end = update.at(-1)!;
    expect(end.elapsedMs).toBeGreaterThan(APP_TRAINING.updateBudgetMs);
    expect(update.slice(0, -2).every((p) => p.elapsedMs <= APP_TRAINING.updateBudgetMs)).toBe(true); // the last two: its epoch's checkpoint and report
    expect(end.step).toBeLessThan(end.steps);
    expect(b.info().steps).toBe(before + end.step);
    const after = b.last('recommendations')!;
    expect(after.attention.history[after.attention.history.length - 1]).toBe(target);
    b.s.currentBackend?.destroy();
    a.s.currentBackend?.destroy();
  }, 240_000);

  it('pauses at an exact step, holds with no step landing, resumes, and a cancel after the first checkpoint goes back to it', async () => {
    const repo = await demoRepo();
    let cancelAt = Infinity;
    let paused = false;
    const a = service(repo, newGpu(), (m, s) => {
      if (m.type !== 'progress') return;
      const { step, steps, epochs } = m.progress;
      // Asked while step 2 reports, so it acts before step 3 starts; the cancel comes 2 steps into epoch 2.
      if (step === 2 && !paused) {
        paused = true;
        void s.handle({ type: 'pause' });
      }
      cancelAt = steps / epochs + 2;
      if (step === cancelAt) void s.handle({ type: 'cancel' });
    });
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: false, epochs: 3 });
    await a.s.handle({ type: 'train', budgetMs: 60_000 });
    const steps = () => a.got.filter((m) => m.type === 'progress').map((m) => m.progress.step);
    await until(() => a.s.held, 'the training loop parked at the pause gate', 150_000);
    expect(a.info().state).toBe('paused');
    expect(steps()).toEqual([1, 2]);
    await turns(); // parked at the gate: nothing lands, however long the event loop runs
    expect(steps()).toEqual([1, 2]);
    expect(a.s.held).toBe(true);
    await a.s.handle({ type: 'resume' });
    expect(a.info().state).toBe('training');
    await a.s.idle();
    const perEpoch = cancelAt - 2;
    // Every step once, epoch 1's checkpoint reported twice (saved, then its progress), and nothing after the cancel.
    expect(steps()).toEqual([...Array.from({ length: perEpoch }, (_, i) => i + 1), perEpoch, perEpoch, perEpoch + 1, perEpoch + 2]);
    expect(a.got.some((m) => m.type === 'notice' && /Training cancelled: the model keeps its last checkpoint/.test(m.text))).toBe(true);
    // Cancelled: the model went back to its last checkpoint (epoch 1), and so did the step count shown.
    const ckpt = (await repo.latestCheckpoint())!;
    expect(ckpt.meta.steps).toBe(perEpoch);
    expect(a.info()).toMatchObject({ state: 'ready', steps: perEpoch });
    expect(firstDifference(await a.s.currentBackend!.save(), ckpt.blob)).toBe(-1);
    a.s.currentBackend?.destroy();
  }, 180_000);

  it('a cancel before the first checkpoint leaves no model and says so', async () => {
    const repo = await demoRepo();
    const a = service(repo, newGpu(), (m, s) => {
      if (m.type === 'progress' && m.progress.step === 3) void s.handle({ type: 'cancel' });
    });
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: false, epochs: 3 });
    await a.s.handle({ type: 'train', budgetMs: 60_000 });
    await a.s.idle();
    expect(a.got.filter((m) => m.type === 'progress').map((m) => m.progress.step)).toEqual([1, 2, 3]);
    expect(a.info().state).toBe('untrained');
    expect(a.got.some((m) => m.type === 'notice' && /cancelled before the first checkpoint/.test(m.text))).toBe(true);
    expect(await repo.latestCheckpoint()).toBeUndefined();
    a.s.currentBackend?.destroy();
  }, 120_000);

  it('falls back to the CPU when the device is lost mid-training and keeps going from the last checkpoint', async () => {
    const repo = await demoRepo();
    let lostAt = -1;
    const a = service(repo, newGpu(), (m, s) => {
      if (m.type !== 'progress' || lostAt >= 0 || m.progress.step !== 2) return;
      lostAt = m.progress.step;
      (s.currentBackend as GpuBackend).ctx.device.destroy(); // between steps 2 and 3
    });
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: false, epochs: 1 });
    await a.s.handle({ type: 'train', budgetMs: 60_000 });
    await a.s.idle();
    expect(lostAt).toBe(2);
    expect(a.info()).toMatchObject({ state: 'ready', backendKind: 'cpu' });
    expect(a.info().fallback).toMatch(/lost/);
    expect(a.got.some((m) => m.type === 'notice' && /GPU stopped working/.test(m.text))).toBe(true);
    // The CPU carried on to the end of the epoch and saved its checkpoint.
    const progress = a.got.filter((m) => m.type === 'progress').map((m) => m.progress);
    const end = progress.at(-1)!;
    expect(end.epoch).toBe(1);
    expect(end.valHr10).not.toBeNull();
    expect((await repo.latestCheckpoint())!.meta).toMatchObject({ steps: end.step, backend: a.info().backend });
    checkExplained(a.last('recommendations')!.recommendations);
  }, 180_000);
});

describe('retraining beside the current model', () => {
  it('trains in its own slot: a reload mid-retrain and a cancel keep the good model, a finished retrain replaces it', async () => {
    const repo = await demoRepo();
    const cpu = { requestAdapter: async () => null } as unknown as GPU;
    let pauseAt = Infinity;
    const a = service(repo, cpu, (m, s) => {
      if (m.type === 'progress' && m.progress.step === pauseAt) {
        pauseAt = Infinity;
        void s.handle({ type: 'pause' });
      }
    });
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: true, epochs: 1 });
    await a.s.idle();
    const good = (await repo.checkpoint('model'))!;
    const perEpoch = good.meta.steps as number;
    expect(a.info()).toMatchObject({ state: 'ready', steps: perEpoch });
    const shown = a.info();

    // Retrain for 2 epochs; pause it one step after its first epoch's checkpoint.
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: false, epochs: 2 });
    await a.s.idle();
    pauseAt = perEpoch + 1;
    await a.s.handle({ type: 'train', budgetMs: 60_000 });
    await until(() => a.s.held, 'the retrain parked after its first epoch', 100_000);
    expect((await repo.checkpoint('model-next'))?.meta.steps).toBe(perEpoch);
    expect(await repo.checkpoint('model')).toEqual(good);
    // A reload now (a fresh service on the same database) resumes from the good model, training nothing.
    const b = service(repo, cpu);
    await b.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: true });
    await b.s.idle();
    expect(b.got.some((m) => m.type === 'progress')).toBe(false);
    expect(b.info()).toMatchObject({ state: 'ready', steps: shown.steps, trainedAt: shown.trainedAt, valHr10: shown.valHr10 });

    // Cancelled: the retrain is dropped and the good model is back, in memory and on disk.
    await a.s.handle({ type: 'cancel' });
    await a.s.idle();
    expect(a.last('notice')!.text).toBe('Retraining cancelled: the previous model is kept.');
    expect(a.info()).toMatchObject({ state: 'ready', steps: shown.steps, trainedAt: shown.trainedAt, valHr10: shown.valHr10 });
    expect(await repo.checkpoint('model')).toEqual(good);
    expect(await repo.checkpoint('model-next')).toBeUndefined();
    expect(firstDifference(await a.s.currentBackend!.save(), good.blob)).toBe(-1);

    // A retrain that finishes (one epoch, to keep the test short) replaces the model, in one step.
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: false, epochs: 1 });
    await a.s.handle({ type: 'train', budgetMs: 60_000 });
    await a.s.idle();
    const next = (await repo.checkpoint('model'))!;
    expect(next.createdAt).not.toBe(good.createdAt);
    expect(firstDifference(next.blob, good.blob)).not.toBe(-1);
    expect(await repo.checkpoint('model-next')).toBeUndefined();
    expect(a.info()).toMatchObject({ state: 'ready', steps: perEpoch, trainedAt: next.createdAt });
    expect(a.last('notice')!.text).toBe('Retraining cancelled: the previous model is kept.'); // the last notice is still the cancel's
  }, 180_000);
});

describe('a retrain that diverges', () => {
  it('keeps the previous model and says so, not that the half-trained one was restored', async () => {
    const repo = await demoRepo();
    let poison = false;
    const a = service(repo, { requestAdapter: async () => null } as unknown as GPU, (m, s) => {
      // Two steps into the retrain its weights become NaN: the third step's loss is NaN.
      if (poison && m.type === 'progress' && m.progress.step === 2) (s.currentBackend as CpuBackend).model.params.fill(NaN);
    });
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: true, epochs: 1 });
    await a.s.idle();
    const good = (await repo.checkpoint('model'))!;
    const shown = a.info();
    poison = true;
    await a.s.handle({ type: 'train', budgetMs: 60_000 });
    await a.s.idle();
    expect(a.last('notice')).toMatchObject({ kind: 'error', text: 'Retraining stopped at step 3: the loss became NaN. The previous model is kept.' });
    expect(a.info()).toMatchObject({ state: 'ready', steps: shown.steps, trainedAt: shown.trainedAt });
    expect(await repo.checkpoint('model')).toEqual(good);
    expect(await repo.checkpoint('model-next')).toBeUndefined();
    expect(firstDifference(await a.s.currentBackend!.save(), good.blob)).toBe(-1);
    checkExplained(a.last('recommendations')!.recommendations);
  }, 120_000);
});

/** Web Locks as tabs see them: one holder, the others queue; release() is the holder's tab closing. */
function fakeLocks() {
  let holder: number | null = null;
  const queue: { id: number; grant: () => void }[] = [];
  let next = 0;
  return (): TrainerLock & { release(): void } => {
    const id = next++;
    return {
      tryAcquire: async () => {
        if (holder !== null && holder !== id) return false;
        holder = id;
        return true;
      },
      acquire: () =>
        new Promise<void>((grant) => {
          if (holder === null) {
            holder = id;
            grant();
          } else queue.push({ id, grant });
        }),
      release: () => {
        if (holder !== id) return;
        const w = queue.shift();
        holder = w?.id ?? null;
        w?.grant();
      },
    };
  };
}

describe('one trainer across tabs', () => {
  it('a second tab shows the model read-only, trains nothing, follows new checkpoints, and trains once the first tab closes', async () => {
    const repo = await demoRepo();
    const cpu = { requestAdapter: async () => null } as unknown as GPU;
    const lock = fakeLocks();
    const first = lock();
    const a = service(repo, cpu, undefined, { lock: first });
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: true, epochs: 1 });
    await a.s.idle();
    expect(a.info()).toMatchObject({ state: 'ready', readOnly: false });

    const b = service(repo, cpu, undefined, { lock: lock() });
    await b.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: true, epochs: 1 });
    await b.s.idle();
    expect(b.info()).toMatchObject({ state: 'ready', readOnly: true, steps: a.info().steps, trainedAt: a.info().trainedAt });
    checkExplained(b.last('recommendations')!.recommendations);
    // Asked to train, or told of new data, the read-only tab trains nothing and says where training runs.
    await b.s.handle({ type: 'train', budgetMs: 60_000 });
    await b.s.handle({ type: 'data-changed' });
    await b.s.idle();
    expect(b.got.some((m) => m.type === 'progress')).toBe(false);
    expect(b.last('notice')!.text).toMatch(/^Training runs in another tab/);

    // The first tab retrains; its saved checkpoint reaches the second (the worker's entry sends model-changed).
    await a.s.handle({ type: 'train', budgetMs: 60_000 });
    await a.s.idle();
    expect(a.info().trainedAt).not.toBe(b.info().trainedAt);
    await b.s.handle({ type: 'model-changed' });
    await b.s.idle();
    expect(b.info()).toMatchObject({ state: 'ready', readOnly: true, trainedAt: a.info().trainedAt });
    expect(firstDifference(await b.s.currentBackend!.save(), (await repo.checkpoint('model'))!.blob)).toBe(-1);
    expect(b.got.some((m) => m.type === 'progress')).toBe(false);

    // The first tab closes: the second takes the lock and trains from then on.
    first.release();
    await until(() => b.info().readOnly === false, 'the second tab to take over training');
    await b.s.idle();
    expect(b.last('notice')!.text).toMatch(/this tab trains it now/);
    await b.s.handle({ type: 'train', budgetMs: 60_000 });
    await b.s.idle();
    expect(b.got.some((m) => m.type === 'progress')).toBe(true);
    expect(b.info()).toMatchObject({ state: 'ready', readOnly: false });
  }, 180_000);
});

describe('data changed while a run starts', () => {
  it('waits for the run instead of publishing mid-run and calling the model up to date', async () => {
    const repo = await demoRepo();
    const a = service(repo, { requestAdapter: async () => null } as unknown as GPU);
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: false, epochs: 1 });
    // Both queued before the run starts: the data change comes due while the run trains.
    const train = a.s.handle({ type: 'train', budgetMs: 60_000 });
    const changed = a.s.handle({ type: 'data-changed' });
    await Promise.all([train, changed]);
    await a.s.idle();
    const seq = a.got.flatMap((m) => (m.type === 'info' ? [m.info.state] : m.type === 'progress' ? ['progress'] : []));
    expect(seq.slice(seq.indexOf('training'), seq.lastIndexOf('progress'))).not.toContain('ready');
    expect(a.info().state).toBe('ready');
  }, 120_000);
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
    // The 3-second budget on the fake clock: the run stops at the first step past it.
    expect(a.info()).toMatchObject({ state: 'ready', backendKind: 'cpu', steps: 3_000 / MS_PER_PROGRESS + 1 });
    expect(a.info().fallback).toMatch(/no adapter/);
    checkExplained(a.last('recommendations')!.recommendations);
    checkPath(a.last('path')!.steps, 60, demo.readings);
  }, 120_000);
});

describe('explanations through the service', () => {
  it('each recommendation is explained by its own attention, not one explanation shared by all', async () => {
    const repo = await demoRepo();
    const a = service(repo, { requestAdapter: async () => null } as unknown as GPU);
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: true, epochs: 1 });
    await a.s.idle();
    const backend = a.s.currentBackend!;
    const { cfg, vocab } = trainingData(demo.readings, demo.sessions, demo.pathPacks);
    const T = cfg.maxlen;
    // Attention that depends on the candidate (the last item): every head's last row puts all its weight on
    // the history position `candidate id mod (window - 1)`. Each explanation must name that position's reading.
    const target = (items: number[]) => items[items.length - 1] % (Math.min(T, items.length) - 1);
    backend.attention = async (items) => {
      const len = Math.min(T, items.length);
      return Array.from({ length: cfg.blocks }, () => {
        const m = new Float32Array(cfg.heads * T * T);
        for (let h = 0; h < cfg.heads; h++) for (let q = T - len; q < T; q++) m[(h * T + q) * T + (q === T - 1 ? T - len + target(items) : q)] = 1;
        return m;
      });
    };
    await a.s.handle({ type: 'data-changed' }); // same data: the service re-publishes with the new attention
    await a.s.idle();
    const recs = a.last('recommendations')!;
    const history = recs.attention.history;
    expect(recs.recommendations.length).toBeGreaterThan(2);
    const named = new Set<string>();
    for (const r of recs.recommendations) {
      // The posted history is the window before the candidate; with the candidate appended, the window may drop its oldest.
      const window = history.length === T ? history.slice(1) : history;
      const k = vocab.idOf.get(r.readingId)! % window.length;
      expect(r.because, r.readingId).toEqual([{ readingId: window[k], percent: 100 }]);
      named.add(window[k]);
    }
    expect(named.size).toBeGreaterThan(1);
  }, 120_000);
});

describe('the NaN guard', () => {
  it('non-finite scores are an error the learner sees, with no recommendations, until a retrain', async () => {
    const repo = await demoRepo();
    const a = service(repo, { requestAdapter: async () => null } as unknown as GPU);
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: true, epochs: 1 });
    await a.s.handle({ type: 'plan', minutes: 60, skip: [] });
    await a.s.idle();
    expect(a.info().state).toBe('ready');
    // The model's weights are finite but its scores overflow: every score is NaN.
    const backend = a.s.currentBackend!;
    backend.scores = async () => new Float32Array(trainingData(demo.readings, demo.sessions, demo.pathPacks).cfg.items + 1).fill(NaN);
    const paths = a.got.filter((m) => m.type === 'path').length;
    await a.s.handle({ type: 'data-changed' }); // same data: the service re-publishes
    await a.s.idle();
    expect(a.info().state).toBe('broken');
    expect(a.last('notice')).toMatchObject({ kind: 'error', text: expect.stringMatching(/^The model's scores are not numbers \(.*\); retrain it\.$/) });
    expect(a.last('recommendations')!.recommendations).toEqual([]);
    expect(a.got.filter((m) => m.type === 'path').length).toBe(paths); // no path planned from NaN scores
    await a.s.handle({ type: 'plan', minutes: 30, skip: [] });
    expect(a.got.filter((m) => m.type === 'path').length).toBe(paths);
    // The retrain the notice offers: a fresh model that scores with numbers.
    await a.s.handle({ type: 'train', budgetMs: 60_000 });
    await a.s.idle();
    expect(a.info().state).toBe('ready');
    checkExplained(a.last('recommendations')!.recommendations);
  }, 120_000);

  it('refuses a saved checkpoint holding a NaN, says why, and trains a finite model in its place', async () => {
    const repo = await demoRepo();
    const d = trainingData(demo.readings, demo.sessions, demo.pathPacks);
    const blob = await new CpuBackend(d.cfg, { batchSize: 16, seed: 3, content: d.content, lr: 1e-3 }).save();
    blob.set([0x00, 0x00, 0xc0, 0x7f], blob.length - 4); // the last float32 becomes a NaN
    const meta = { vocab: d.vocab.readingOf, items: d.cfg.items, dataKey: d.dataKey, steps: 7, valHr10: 0.5, valCases: d.holdout, backend: 'CPU' };
    await repo.saveCheckpoint({ id: 'model', createdAt: '2026-11-01T00:00:00.000Z', blob, meta });
    const a = service(repo, { requestAdapter: async () => null } as unknown as GPU);
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: true, epochs: 1 });
    await a.s.idle();
    const notices = a.got.filter((m) => m.type === 'notice').map((m) => m.text);
    expect(notices.some((t) => /saved model could not be restored \(checkpoint: refused, 1 value is not finite \(the first: NaN/.test(t))).toBe(true);
    // Never "up to date" with the NaN model: the first state after loading is untrained, then a new model trains.
    const states = a.got.filter((m) => m.type === 'info').map((m) => m.info.state);
    expect(states.slice(0, states.indexOf('training'))).not.toContain('ready');
    expect(a.info()).toMatchObject({ state: 'ready' });
    expect(a.info().steps).not.toBe(7);
    const saved = (await repo.latestCheckpoint())!;
    expect(saved.createdAt).not.toBe('2026-11-01T00:00:00.000Z');
    expect(() => decodeCheckpoint(saved.blob)).not.toThrow();
    checkExplained(a.last('recommendations')!.recommendations);
  }, 120_000);

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
