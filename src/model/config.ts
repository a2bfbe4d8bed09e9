/**
 * Every hyperparameter in one place: the model's shape and loss, the
 * optimizer, the defaults the engine is measured on, and the settings the app
 * and its engine check train with. The flat parameter layout is in
 * parameters.ts.
 */

import type { AdamWHyperparameters } from '../kernels/adamw';

export type LossKind = 'bce' | 'ce';

export interface ModelConfig {
  /** Catalog size. Item ids are 1..items; id 0 is padding. */
  items: number;
  /** Number of newest events the model sees (T). */
  maxlen: number;
  /** Hidden size (C). */
  dim: number;
  /** Number of transformer blocks. */
  blocks: number;
  /** Attention heads; dim must be divisible by heads. */
  heads: number;
  /** Hidden width of the point-wise feed-forward layer. */
  ffnDim: number;
  /** Dropout probability (embedding, attention output, feed-forward output). */
  dropout: number;
  /** 'bce': one sampled negative per position; 'ce': softmax over a candidate set. */
  loss: LossKind;
  /** Buckets of the hashed content vocabulary (title/topic tokens); 0 disables. */
  contentBuckets: number;
  /** Per-event numeric features (e.g. focus, understanding); 0 disables. */
  features: number;
}

/** AdamW's hyperparameters; the kernel (kernels/adamw.ts) declares the fields it reads. */
export type OptimizerConfig = AdamWHyperparameters;

export const DEFAULT_OPTIMIZER: OptimizerConfig = { lr: 1e-3, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0 };

/**
 * Softmax cross-entropy over the whole catalog (model/fullSoftmax.ts, the
 * engine's ceChunkItems): logits are computed this many items at a time and
 * folded into an online log-sum-exp, so (B*T, items) never exists. 4,096 keeps
 * one chunk of a (128 x 50)-row batch at 105 MB, inside the default 128 MiB
 * storage binding; the engine narrows it further where a device needs.
 */
export const FULL_SOFTMAX = { chunkItems: 4096 } as const;

/** The default configuration the engine is measured on (issue #2). */
export const DEFAULT_CONFIG: ModelConfig = {
  items: 23715,
  maxlen: 50,
  dim: 64,
  blocks: 2,
  heads: 2,
  ffnDim: 64,
  dropout: 0.2,
  loss: 'bce',
  contentBuckets: 0,
  features: 0,
};

export function makeConfig(partial: Partial<ModelConfig> & Pick<ModelConfig, 'items'>): ModelConfig {
  const cfg: ModelConfig = { ...DEFAULT_CONFIG, ...partial };
  if (partial.ffnDim === undefined) cfg.ffnDim = cfg.dim;
  validateConfig(cfg);
  return cfg;
}

export function validateConfig(cfg: ModelConfig): void {
  const intFields: (keyof ModelConfig)[] = ['items', 'maxlen', 'dim', 'blocks', 'heads', 'ffnDim'];
  for (const f of intFields) {
    const v = cfg[f];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new Error(`model config: ${f} must be a positive integer, got ${String(v)}`);
    }
  }
  for (const f of ['contentBuckets', 'features'] as const) {
    if (!Number.isInteger(cfg[f]) || cfg[f] < 0) throw new Error(`model config: ${f} must be a non-negative integer, got ${cfg[f]}`);
  }
  if (cfg.dim % cfg.heads !== 0) throw new Error(`model config: dim ${cfg.dim} is not divisible by heads ${cfg.heads}`);
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) throw new Error(`model config: dropout must be in [0, 1), got ${cfg.dropout}`);
  if (cfg.loss !== 'bce' && cfg.loss !== 'ce') throw new Error(`model config: loss must be 'bce' or 'ce', got ${String(cfg.loss)}`);
}

/**
 * The app's model (train/learnerData.ts adds the item count and the event
 * features): small enough to train in seconds on a software adapter, and on
 * the CPU fallback.
 */
export const APP_MODEL = {
  maxlen: 32,
  dim: 32,
  blocks: 2,
  heads: 2,
  ffnDim: 64,
  dropout: 0.2,
  loss: 'ce',
  /** Buckets of the hashed title/topic vocabulary. */
  contentBuckets: 256,
} as const satisfies Partial<ModelConfig>;

/** How the app trains its model (the worker's service, both engines). */
export const APP_TRAINING = {
  /** Rows per batch (B). */
  batchSize: 32,
  /** Seed of the initialisation and dropout; each run's batch order starts from seed + the steps taken so far. */
  seed: 1,
  /** Chosen on the demo (bench:demo): 5e-3 leaves the early plateau sooner than 2e-3 in short budgets. */
  lr: 5e-3,
  /** Full training: at most this many epochs (the time budget usually ends it first). */
  trainEpochs: 30,
  /** An incremental update after new sessions: epochs, and time budget (unless runs are bounded by epochs, ToWorker init.epochs). */
  updateEpochs: 2,
  updateBudgetMs: 20_000,
  /** Full training's time budget when the page has not chosen one (and when the catalog outgrows the model). */
  trainBudgetMs: 60_000,
  /** The time budgets the page offers (seconds), and its default. */
  budgetChoicesSeconds: [20, 60, 180, 600],
  defaultBudgetSeconds: 60,
} as const;

/** The engine check on the start page (eval/engineCheck.ts): a synthetic rule the model must learn. */
export const ENGINE_CHECK = {
  model: { dim: 32, blocks: 2, heads: 2, ffnDim: 64, dropout: 0, loss: 'ce' },
  batchSize: 32,
  seed: 7,
  lr: 5e-3,
  steps: 300,
} as const satisfies { model: Partial<ModelConfig>; [key: string]: unknown };

/**
 * The knowledge-tracing model (issue 17; model/kt*.ts, reference/ktModel.ts):
 * SAKT-style, one attention block. The query at attempt t is the skill
 * attempted at t; keys and values are the interactions (skill, outcome) of the
 * attempts before t, so a prediction never sees its own outcome.
 */
export interface KtConfig {
  /** Skill ids are 1..skills; 0 is padding. Interaction ids are skill + skills * outcome (1..2 * skills). */
  skills: number;
  /** Attempts per window (T). */
  maxlen: number;
  /** Hidden size (C). */
  dim: number;
  /** Attention heads; dim must be divisible by heads. */
  heads: number;
  /** Hidden width of the feed-forward layer. */
  ffnDim: number;
  /** Dropout on both embeddings and on the attention and feed-forward branches. */
  dropout: number;
  /** Tokens embedded as a sum of shared parts (model/ktTokenParts.ts); absent: one row per token. */
  tokenParts?: KtTokenParts;
}

/**
 * How token ids 1..skills decode into parts: a skill and one value per factor,
 * token = skill + skills * (f0 + n0 * (f1 + n1 * ...)) with value fi in 0..ni-1.
 */
export interface KtTokenParts {
  /** Skills 1..skills. */
  skills: number;
  /** The size ni of each factor after the skill (its history state, its run, ...). */
  factors: number[];
  /** Whether each token keeps its own row besides the shared parts. */
  joint: boolean;
}

/** Defaults for ASSISTments-sized data (about 100 skills); SAKT's paper used dim 64-200 and maxlen 50-100. */
export const KT_MODEL: Omit<KtConfig, 'skills'> = { maxlen: 50, dim: 64, heads: 4, ffnDim: 128, dropout: 0.2 };

/**
 * bench:kt's input tokens (train/ktSkillHistory.ts): each skill with the learner's last two outcomes on
 * it and whether the attempt just before was on the same skill (no wrong-count buckets), embedded as
 * its own row plus shared rows for its skill, history state and run (tokenParts 1: model/ktTokenParts.ts;
 * 0 own row only, 2 shared rows only). Chosen on ASSIST2015 validation learners (bench/RESULTS.md).
 */
export const KT_INPUT = { skillHistory: 2, skillRun: 1, skillWrongs: 0, tokenParts: 1 } as const;

/** How bench:kt trains (train/ktTrainer.ts). */
export const KT_TRAINING = {
  batchSize: 64,
  lr: 1e-3,
  weightDecay: 0,
  /** Cut each learner's attempts into windows at a fresh random offset every epoch (train/ktData.ts ktWindows). */
  shiftWindows: true,
  /** At most this many epochs; early stopping usually ends the run first. */
  maxEpochs: 50,
  /** Stop after this many epochs without a validation AUC gain, and keep the best epoch. */
  patience: 5,
  /** Then also try the mean of this many best epochs' parameters, kept if it scores higher on validation (1: off). */
  averageTop: 3,
  /** Share of the training file's learners held out for validation and early stopping. */
  validationFraction: 0.2,
  seed: 1,
} as const;

/**
 * The knowledge-tracing model the app trains on the learner's own rated sessions (issue 18): the same
 * SAKT-style model as bench:kt, smaller, for one learner's few hundred attempts at most.
 */
export const UNDERSTANDING_MODEL: Omit<KtConfig, 'skills'> = { maxlen: 64, dim: 32, heads: 2, ffnDim: 64, dropout: 0.1 };

/**
 * How the app trains it: a fixed number of steps (never a time budget), each over random runs of the history
 * with the skills relabelled at random (train/understandingData.ts), from parameters that attend by skill
 * (train/understandingModel.ts skillMatchingInit). Chosen on simulated learners (the demo's story, other
 * seeds), never the demo itself: bench/understanding.ts --simulated.
 */
export const UNDERSTANDING_TRAINING = { steps: 150, batchSize: 32, lr: 6e-3, seed: 18, shuffleSkills: true } as const;

export function makeKtConfig(partial: Partial<KtConfig> & Pick<KtConfig, 'skills'>): KtConfig {
  const cfg: KtConfig = { ...KT_MODEL, ...partial };
  for (const f of ['skills', 'maxlen', 'dim', 'heads', 'ffnDim'] as const) {
    if (!Number.isInteger(cfg[f]) || cfg[f] < 1) throw new Error(`kt config: ${f} must be a positive integer, got ${String(cfg[f])}`);
  }
  if (cfg.dim % cfg.heads !== 0) throw new Error(`kt config: dim ${cfg.dim} is not divisible by heads ${cfg.heads}`);
  if (!(cfg.dropout >= 0 && cfg.dropout < 1)) throw new Error(`kt config: dropout must be in [0, 1), got ${cfg.dropout}`);
  checkKtTokenParts(cfg);
  return cfg;
}

/** Token parts, where present, must multiply out to the config's tokens. */
export function checkKtTokenParts(cfg: KtConfig): void {
  const p = cfg.tokenParts;
  if (!p) return;
  const whole = (x: number) => Number.isInteger(x) && x >= 1;
  if (!(whole(p.skills) && p.factors.every(whole))) throw new Error(`kt config: token parts must be positive integers, got ${JSON.stringify(p)}`);
  const tokens = p.factors.reduce((a, n) => a * n, p.skills);
  if (tokens !== cfg.skills) throw new Error(`kt config: ${p.skills} skills x factors ${p.factors.join(' x ')} is not the config's ${cfg.skills} tokens`);
}
