/**
 * One training run as the worker runs it: the app's training settings, progress paced for the page, each
 * epoch's checkpoint saved in its slot, and a lost GPU replaced by the CPU (the trainer goes on from the
 * last checkpoint).
 */
import type { Repo } from '../data/repo';
import { APP_TRAINING } from '../model/config';
import { CpuBackend, type BackendOptions, type ModelBackend } from '../train/backend';
import type { TrainingData } from '../train/learnerData';
import type { ValidationRanks } from '../train/metrics';
import { Trainer, type TrainControl, type TrainOutcome, type TrainProgress } from '../train/trainer';
import { saveCheckpoint } from './checkpoints';

/** Batch size, seed and learning rate: model/config.ts. */
const { batchSize: BATCH, seed: SEED, lr: LR } = APP_TRAINING;
/** The learner's windows count this many times per epoch against one pass over the path packs (the Trainer's default). */
const LEARNER_WEIGHT = 4;

/** The app's training settings for a model over `data` (both engines). */
export const backendOptions = (data: TrainingData): BackendOptions => ({ batchSize: BATCH, seed: SEED, content: data.content, lr: LR });

/**
 * The app's trainer for `backend` over `data`; `steps` (the model's count so far) moves the seed on, so each run draws new batches.
 * Each path-pack learner's last event is held out of the loss: validation ranks it (eval/validation.ts).
 */
export const appTrainer = (backend: ModelBackend, data: TrainingData, steps: number): Trainer =>
  new Trainer(backend, data, BATCH, SEED + steps, LEARNER_WEIGHT, true);

/** A checkpoint a run saved: the page shows the last one, as a reload would. */
export interface SavedCheckpoint {
  at: string;
  steps: number;
  valHr10: number | null;
  validation: ValidationRanks | null;
}

/**
 * Posts a progress report at most every `everyMs` on `clock` (the last step and a run's end always), across runs: it
 * remembers when it last posted.
 */
export function progressPacer(post: (p: TrainProgress) => void, everyMs: number, clock: () => number): (p: TrainProgress) => void {
  let lastAt = 0;
  return (p) => {
    const now = clock();
    if (now - lastAt >= everyMs || p.step === p.steps || p.ended !== undefined) {
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
      const at = await saveCheckpoint(o.repo, o.slot, blob, data, steps0 + p.step, p.validation, trainer.backend.label);
      o.onSaved({ at, steps: steps0 + p.step, valHr10: p.valHr10, validation: p.validation }, p);
    },
    onDeviceLost: async (reason) => {
      const cpu = new CpuBackend(data.cfg, backendOptions(data));
      o.onCpu(cpu, reason);
      return cpu;
    },
  });
}
