/**
 * One training run as the worker runs it: the app's training settings, progress paced for the page, each
 * epoch's checkpoint saved in its slot, and a lost GPU replaced by the CPU (the trainer goes on from the
 * last checkpoint).
 */
import type { Repo } from '../data/repo';
import { APP_TRAINING } from '../model/config';
import { CpuBackend, type BackendOptions, type ModelBackend } from '../train/backend';
import type { TrainingData } from '../train/learnerData';
import { Trainer, type TrainControl, type TrainOutcome, type TrainProgress } from '../train/trainer';
import { saveCheckpoint } from './checkpoints';

/** Batch size, seed and learning rate: model/config.ts. */
const { batchSize: BATCH, seed: SEED, lr: LR } = APP_TRAINING;

/** The app's training settings for a model over `data` (both engines). */
export const backendOptions = (data: TrainingData): BackendOptions => ({ batchSize: BATCH, seed: SEED, content: data.content, lr: LR });

/** The app's trainer for `backend` over `data`; `steps` (the model's count so far) moves the seed on, so each run draws new batches. */
export const appTrainer = (backend: ModelBackend, data: TrainingData, steps: number): Trainer => new Trainer(backend, data, BATCH, SEED + steps);

/** A checkpoint a run saved: the page shows the last one, as a reload would. */
export interface SavedCheckpoint {
  at: string;
  steps: number;
  valHr10: number | null;
}

/**
 * Posts a progress report at most every `everyMs` on `clock` (the last step always), across runs: it
 * remembers when it last posted.
 */
export function progressPacer(post: (p: TrainProgress) => void, everyMs: number, clock: () => number): (p: TrainProgress) => void {
  let lastAt = 0;
  return (p) => {
    const now = clock();
    if (now - lastAt >= everyMs || p.step === p.steps) {
      lastAt = now;
      post(p);
    }
  };
}

export interface RunOptions {
  repo: Repo;
  trainer: Trainer;
  data: TrainingData;
  phase: 'training' | 'updating';
  epochs: number;
  budgetMs: number;
  control: TrainControl;
  clock: () => number;
  /** Where the run's checkpoints go (checkpoints.ts), and the model's step count the run's steps add to. */
  slot: string;
  steps0: number;
  onProgress(p: TrainProgress): void;
  /** An epoch's checkpoint was saved; `p` is that epoch's report. */
  onSaved(saved: SavedCheckpoint, p: TrainProgress): void;
  /** The WebGPU device was lost: the run goes on on `cpu`. */
  onCpu(cpu: ModelBackend, reason: string): void;
}

/** Runs the trainer with the worker's checkpoints and fall-back. */
export function trainRun(o: RunOptions): Promise<TrainOutcome> {
  const { trainer, data, steps0 } = o;
  return trainer.train({
    phase: o.phase,
    epochs: o.epochs,
    budgetMs: o.budgetMs,
    control: o.control,
    onProgress: o.onProgress,
    clock: o.clock,
    onEpoch: async (blob, p) => {
      const at = await saveCheckpoint(o.repo, o.slot, blob, data, steps0 + p.step, p.valHr10, trainer.backend.label);
      o.onSaved({ at, steps: steps0 + p.step, valHr10: p.valHr10 }, p);
    },
    onDeviceLost: async (reason) => {
      const cpu = new CpuBackend(data.cfg, backendOptions(data));
      o.onCpu(cpu, reason);
      return cpu;
    },
  });
}
