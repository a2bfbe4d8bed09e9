/**
 * The worker's ModelService and its checkpoint slots: a retrain beside the current model, promoted only
 * when it finishes, kept out when it diverges; the NaN guard on scores and on a saved checkpoint; and one
 * trainer across tabs, the others following its checkpoints read-only.
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/train/backend';
import { trainingData } from '../../src/train/learnerData';
import type { TrainerLock } from '../../src/worker/lock';
import { decodeCheckpoint } from '../../src/model/checkpoint';
import { until } from '../support/harness';
import { checkExplained, demo, demoRepo, firstDifference, service, PLAN_NOW } from '../support/service';

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
describe('the NaN guard', () => {
  it('non-finite scores are an error the learner sees, with no recommendations, until a retrain', async () => {
    const repo = await demoRepo();
    const a = service(repo, { requestAdapter: async () => null } as unknown as GPU);
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: true, epochs: 1 });
    await a.s.handle({ type: 'plan', minutes: 60, skip: [], now: PLAN_NOW });
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
    await a.s.handle({ type: 'plan', minutes: 30, skip: [], now: PLAN_NOW });
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
});
