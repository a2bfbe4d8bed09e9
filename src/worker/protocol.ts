/**
 * Messages between the page and the training worker. Everything crossing is
 * plain data (reading ids, numbers); the page maps ids to titles itself.
 */
import type { TrainProgress } from '../train/trainer';

type ModelState = 'loading' | 'empty' | 'untrained' | 'training' | 'paused' | 'updating' | 'ready';

export type ToWorker =
  | { type: 'init'; prefer: 'auto' | 'cpu'; budgetMs: number; autoTrain: boolean }
  | { type: 'train'; budgetMs: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'cancel' }
  | { type: 'data-changed' }
  | { type: 'plan'; minutes: number; skip: string[] };

export interface Because {
  /** A reading id, or '' for "everything else" (the rest of the history). */
  readingId: string;
  percent: number;
  /** True when the reading is an earlier step of the planned path, not a past session. */
  planned?: boolean;
}

export interface Recommendation {
  readingId: string;
  /** The model's raw score (a logit). */
  score: number;
  /** Share of the softmax over every reading that may come next, 0..1. */
  probability: number;
  /** Final-layer attention (averaged over heads) from this reading's position back over the history; sums to 100. */
  because: Because[];
}

export interface AttentionMaps {
  /** Reading id of each position, oldest first. */
  history: string[];
  heads: number;
  /** [layer][head] a (len x len) row-major matrix; row = query position. */
  weights: number[][][];
}

export interface PlannedStep {
  readingId: string;
  minutes: number;
  cumulative: number;
  score: number;
  because: Because[];
}

export interface ModelInfo {
  state: ModelState;
  /** Which engine runs the model. */
  backend: string;
  backendKind: 'webgpu' | 'cpu' | null;
  /** Why the CPU is used instead of WebGPU, when it is. */
  fallback: string | null;
  trainedAt: string | null;
  /** Validation HR@10 of the current model on the learner's newest held-out events. */
  valHr10: number | null;
  valCases: number;
  steps: number;
}

/** What the page and the worker hold before the worker has read anything. */
export const LOADING_INFO: ModelInfo = { state: 'loading', backend: '', backendKind: null, fallback: null, trainedAt: null, valHr10: null, valCases: 0, steps: 0 };

export type FromWorker =
  | { type: 'info'; info: ModelInfo }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'recommendations'; recommendations: Recommendation[]; attention: AttentionMaps }
  | { type: 'path'; minutes: number; steps: PlannedStep[] }
  | { type: 'notice'; kind: 'error' | 'info'; text: string };
