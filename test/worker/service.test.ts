/**
 * The worker's ModelService, driven as the worker drives it, on Dawn + lavapipe (WebGPU) and on the CPU
 * reference, over the built-in demo in an IndexedDB (fake-indexeddb): training with progress, checkpoints
 * and resume without retraining, incremental updates, pause/resume/cancel, the fall-back to the CPU (no
 * adapter, and a device lost mid-training), and the explained recommendations and paths.
 */
import { describe, expect, it } from 'vitest';
import type { GpuBackend } from '../../src/train/backend';
import { trainingData } from '../../src/train/learnerData';
import { APP_TRAINING } from '../../src/model/config';
import { until } from '../support/harness';
import { checkExplained, checkPath, demo, demoRepo, firstDifference, MS_PER_PROGRESS, newGpu, service, turns, PLAN_NOW } from '../support/service';

describe('the trainer service on WebGPU (lavapipe)', () => {
  it('trains from the demo with progress, saves checkpoints, explains recommendations and plans a path; a reload resumes without training', async () => {
    const repo = await demoRepo();
    const a = service(repo, newGpu());
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: false });
    expect(a.info().state).toBe('untrained');
    await a.s.handle({ type: 'plan', minutes: 60, skip: [], now: PLAN_NOW });
    const budgetMs = 6_000;
    await a.s.handle({ type: 'train', budgetMs });
    await a.s.idle();
    const progress = a.got.filter((m) => m.type === 'progress').map((m) => m.progress);
    // The budget ends the run at the first step past it (the fake clock: one step, one progress message),
    // inside the first epoch; that epoch's validation and checkpoint still run and report (two more messages),
    // and the run's last report says it stopped at its time limit.
    const budgetSteps = budgetMs / MS_PER_PROGRESS + 1;
    expect(progress[0].steps / progress[0].epochs).toBeGreaterThan(budgetSteps);
    expect(progress.map((p) => p.step)).toEqual([...Array.from({ length: budgetSteps }, (_, i) => i + 1), budgetSteps, budgetSteps, budgetSteps]);
    expect(progress.map((p) => p.ended)).toEqual([...new Array<undefined>(budgetSteps + 2).fill(undefined), 'budget']);
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
    // Only unread readings and readings being read come next; finished ones come back as FSRS reviews instead.
    for (const r of recs.recommendations) {
      const reading = byId.get(r.readingId)!;
      expect(['unread', 'reading']).toContain(reading.status);
      expect(reading.prerequisites.every((p) => byId.get(p)!.status === 'finished')).toBe(true);
      expect(r.probability).toBeGreaterThan(0);
    }
    // The attention rollout over the history window: each row a distribution over the sessions before it (causal).
    const att = recs.attention;
    const len = att.history.length;
    expect(att.rollout.length).toBe(len * len);
    for (let q = 0; q < len; q++) {
      const row = att.rollout.slice(q * len, (q + 1) * len);
      expect(row.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 4);
      expect(row.slice(q + 1).every((w) => w === 0)).toBe(true);
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
    expect(b.info()).toMatchObject({ trainedAt: a.info().trainedAt, steps: a.info().steps, valHr10: a.info().valHr10, validation: a.info().validation });
    // That validation: the demo learner's held-out newest events and 100 of the path pack's, with the baseline on the same events.
    expect(a.info().validation).toMatchObject({
      packCases: 100,
      learnerCases: trainingData(demo.readings, demo.sessions, demo.pathPacks).holdout,
      measurable: true,
    });
    expect(a.info().validation!.popularity.hits).toBeLessThanOrEqual(a.info().validation!.cases);
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
      progressAt: null,
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
    expect(update.slice(0, -3).every((p) => p.elapsedMs <= APP_TRAINING.updateBudgetMs)).toBe(true); // the last three: its epoch's checkpoint and report, the run's end
    expect(end.ended).toBe('budget');
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
    // Every step once, epoch 1's checkpoint reported twice (saved, then its progress), and after the cancel only the run's end.
    expect(steps()).toEqual([...Array.from({ length: perEpoch }, (_, i) => i + 1), perEpoch, perEpoch, perEpoch + 1, perEpoch + 2, perEpoch + 2]);
    expect(a.got.filter((m) => m.type === 'progress').at(-1)).toMatchObject({ progress: { ended: 'cancelled', epoch: 2 } });
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
    expect(a.got.filter((m) => m.type === 'progress').map((m) => m.progress.step)).toEqual([1, 2, 3, 3]);
    expect(a.got.filter((m) => m.type === 'progress').at(-1)).toMatchObject({ progress: { ended: 'cancelled' } });
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
  it('trains, explains and plans through the service (WebGPU unavailable)', async () => {
    const repo = await demoRepo();
    const a = service(repo, { requestAdapter: async () => null } as unknown as GPU);
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 3_000, autoTrain: true });
    await a.s.handle({ type: 'plan', minutes: 60, skip: [], now: PLAN_NOW });
    await a.s.idle();
    // The 3-second budget on the fake clock: the run stops at the first step past it.
    expect(a.info()).toMatchObject({ state: 'ready', backendKind: 'cpu', steps: 3_000 / MS_PER_PROGRESS + 1 });
    expect(a.info().fallback).toMatch(/no adapter/);
    checkExplained(a.last('recommendations')!.recommendations);
    checkPath(a.last('path')!.steps, 60, demo.readings);
  }, 120_000);
});

describe('explanations through the service', () => {
  it('each recommendation is explained by removing sessions for that reading, not one explanation shared by all', async () => {
    const repo = await demoRepo();
    const a = service(repo, { requestAdapter: async () => null } as unknown as GPU);
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: true, epochs: 1 });
    await a.s.idle();
    const recs = a.last('recommendations')!.recommendations;
    checkExplained(recs);
    // Leave-one-out through the CPU backend: the same removals, but each candidate's own shares.
    expect(new Set(recs.map((r) => JSON.stringify(r.because))).size).toBeGreaterThan(1);
  }, 120_000);
});
