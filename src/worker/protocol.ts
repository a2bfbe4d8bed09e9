/**
 * Messages between the page and the training worker. Everything crossing is
 * plain data (reading ids, numbers); the page maps ids to titles itself.
 */
import type { AttentionMaps, PlannedStep, Recommendation } from '../recommend/advice';
import type { TrainProgress } from '../train/trainer';
import type { ValidationReport } from '../eval/validation';
import type { TodaysReviews } from '../recommend/reviews';
import type { UnderstandingView } from '../recommend/understanding';

/** What the page shows of a recommendation and a path step (defined where they are computed). */
export type { AttentionMaps, Because, PlannedStep, Recommendation } from '../recommend/advice';
export type { TodaysReviews } from '../recommend/reviews';
export type { MasteryChart, PrepareFirst, UnderstandingView } from '../recommend/understanding';

/** 'broken': the model scores readings with NaN or infinities; it recommends nothing until retrained. */
type ModelState = 'loading' | 'empty' | 'untrained' | 'training' | 'paused' | 'updating' | 'ready' | 'broken';

/**
 * `init.epochs`, when set, bounds every run by epochs instead of time: training runs exactly that many
 * epochs and an update APP_TRAINING.updateEpochs, with no time budget (tests and benchmarks use it so that a run does
 * the same work on a fast or a busy machine; the page sets it from localStorage `studypath.trainEpochs`).
 */
export type ToWorker =
  | { type: 'init'; prefer: 'auto' | 'cpu'; budgetMs: number; autoTrain: boolean; epochs?: number }
  | { type: 'train'; budgetMs: number }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'cancel' }
  /** Stops predicted understanding's training only (issue 18); the next data change trains it again. */
  | { type: 'cancel-understanding' }
  | { type: 'data-changed' }
  /** Another tab's worker saved the model checkpoint (sent by the worker's entry, not the page). */
  | { type: 'model-changed' }
  /** A review was rated or undone, or the settings changed: only today's plan changes (reviews are not in the model's history). */
  | { type: 'reviews-changed' }
  /** `now` (ISO 8601): the page's time, which decides which reviews are due (tests control it through the page's clock). */
  | { type: 'plan'; minutes: number; skip: string[]; now: string };

export interface ModelInfo {
  state: ModelState;
  /** Which engine runs the model. */
  backend: string;
  backendKind: 'webgpu' | 'cpu' | null;
  /** Why the CPU is used instead of WebGPU, when it is. */
  fallback: string | null;
  trainedAt: string | null;
  /** Validation HR@10 of the current model on its held-out events (see `validation`). */
  valHr10: number | null;
  valCases: number;
  /** The current model's validation (eval/validation.ts): count, HR@10 with its interval, the popularity baseline. */
  validation: ValidationReport | null;
  steps: number;
  /** True while another tab's worker holds the trainer lock: this tab shows that tab's model and trains nothing. */
  readOnly: boolean;
}

/** What the page and the worker hold before the worker has read anything. */
export const LOADING_INFO: ModelInfo = {
  state: 'loading',
  backend: '',
  backendKind: null,
  fallback: null,
  trainedAt: null,
  valHr10: null,
  valCases: 0,
  validation: null,
  steps: 0,
  readOnly: false,
};

export type FromWorker =
  | { type: 'info'; info: ModelInfo }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'recommendations'; recommendations: Recommendation[]; attention: AttentionMaps }
  /**
   * `starter`: a first path for a learner with few sessions (recommend/coldStart.ts), not the model's, in
   * the order the path pack's learners read ('pack') or foundations first ('foundations'); null: the model's.
   */
  | { type: 'path'; minutes: number; steps: PlannedStep[]; starter: 'pack' | 'foundations' | null; reviews: TodaysReviews }
  | { type: 'notice'; kind: 'error' | 'info'; text: string }
  /** Predicted understanding (issue 18), after each run of the knowledge-tracing model. */
  | { type: 'understanding'; view: UnderstandingView }
  /** That model's training: step of steps; steps 0 when a run was cancelled. */
  | { type: 'understanding-progress'; step: number; steps: number };
