/**
 * Training and asking the knowledge-tracing model of the learner's
 * understanding (issue 18), on the WGSL engine (model/ktEngine.ts) or, without
 * WebGPU, on the float64 reference (reference/ktModel.ts) behind the same
 * methods. Bounded by steps, never by time; cancellable between steps.
 */
import type { GpuContext } from '../gpu/context';
import { KtEngine } from '../model/ktEngine';
import { UNDERSTANDING_TRAINING, makeKtConfig, UNDERSTANDING_MODEL, type KtConfig } from '../model/config';
import { ktBatch, type KtBatch } from '../model/ktBatch';
import { initParameters } from '../model/init';
import { ktParameterLayout } from '../model/ktParameters';
import { tensor } from '../model/parameters';
import { Rng } from '../model/random';
import { KtReferenceModel } from '../reference/ktModel';
import type { KtTrainable } from './ktTrainer';
import { queryWindow, trainingWindows, type UnderstandingData } from './understandingData';

/** The float64 reference as a KtTrainable: the CPU fall-back. */
class KtCpuModel implements KtTrainable {
  readonly model: KtReferenceModel;
  constructor(
    readonly cfg: KtConfig,
    readonly batchSize: number,
    opts: { seed: number; lr: number; params?: Float32Array },
  ) {
    this.model = new KtReferenceModel(cfg, batchSize, { seed: opts.seed, optimizer: { lr: opts.lr }, params: opts.params });
  }
  async trainStep(batch: KtBatch): Promise<number> {
    const { loss } = this.model.forward(batch, { training: true });
    this.model.backward();
    this.model.step();
    await new Promise((r) => setTimeout(r, 0)); // let cancel messages in between steps
    return loss;
  }
  async predict(batch: KtBatch): Promise<Float64Array> {
    return this.model.forward(batch, { training: false }).logits;
  }
  async readParameters(): Promise<Float32Array> {
    return Float32Array.from(this.model.params);
  }
  reset(params: Float32Array): void {
    this.model.params.set(params);
    this.model.m.fill(0);
    this.model.v.fill(0);
    this.model.stepCount = 0;
  }
  writeParameters(params: Float32Array): void {
    this.model.params.set(params);
  }
}

/** The model's configuration for this data's skills. */
const understandingConfig = (data: UnderstandingData): KtConfig => makeKtConfig({ ...UNDERSTANDING_MODEL, skills: data.topics.length });

/** A model the app can train again from its start. */
export interface UnderstandingModel extends KtTrainable {
  reset(params: Float32Array): void;
}

/** The app's model for `data`: on the WGSL engine with a GPU context, else the CPU reference; skill-matching start. */
export async function createUnderstandingModel(
  data: UnderstandingData,
  ctx: GpuContext | null,
  seed: number = UNDERSTANDING_TRAINING.seed,
): Promise<UnderstandingModel> {
  const cfg = understandingConfig(data);
  const { batchSize, lr } = UNDERSTANDING_TRAINING;
  const params = skillMatchingInit(cfg, seed);
  return ctx ? KtEngine.create(ctx, cfg, { batchSize, seed, optimizer: { lr }, params }) : new KtCpuModel(cfg, batchSize, { seed, lr, params });
}

/** Puts `model` back at the start createUnderstandingModel gives (same seed). */
export function restartUnderstandingModel(model: UnderstandingModel, seed: number = UNDERSTANDING_TRAINING.seed): void {
  model.reset(skillMatchingInit(model.cfg, seed));
}

export interface UnderstandingTrainOptions {
  /** Train on attempts [0, end) only (the held-out attempts after it are the gate's, eval/understandingGate.ts). */
  end: number;
  steps?: number;
  seed?: number;
  /** Read between steps: true stops the run. */
  cancelled?: () => boolean;
  onStep?: (step: number, steps: number) => void;
  /** Relabel the skills of each training run at random (UNDERSTANDING_TRAINING.shuffleSkills by default). */
  shuffleSkills?: boolean;
}

/** At most this many training steps wait on the GPU at once. */
export const WAIT_EVERY = 10;

/** 'finished', or 'cancelled' when `cancelled` said so; with fewer than two attempts there is nothing to learn. */
export async function trainUnderstanding(engine: KtTrainable, data: UnderstandingData, o: UnderstandingTrainOptions): Promise<'finished' | 'cancelled'> {
  const steps = o.steps ?? UNDERSTANDING_TRAINING.steps;
  const rng = new Rng(o.seed ?? UNDERSTANDING_TRAINING.seed);
  for (let step = 1; step <= steps; step++) {
    if (o.cancelled?.()) return 'cancelled';
    const windows = trainingWindows(data, o.end, engine.cfg.maxlen, engine.batchSize, rng, o.shuffleSkills ?? UNDERSTANDING_TRAINING.shuffleSkills);
    if (windows.length === 0) break;
    // Every WAIT_EVERY steps (and the last) wait for the GPU: otherwise all steps are queued at once, progress
    // counts submissions, and a cancel or the recommender's next run waits behind the whole queue.
    await engine.trainStep(ktBatch(engine.cfg, windows, engine.batchSize), step % WAIT_EVERY === 0 || step === steps);
    o.onStep?.(step, steps);
  }
  return 'finished';
}

/** One question: the probability of understanding `skill` right after attempts [0, end) (end ≥ 1). */
export interface UnderstandingQuery {
  end: number;
  skill: number;
}

export async function predictUnderstanding(engine: KtTrainable, data: UnderstandingData, queries: UnderstandingQuery[]): Promise<Float64Array> {
  const B = engine.batchSize;
  const T = engine.cfg.maxlen;
  const out = new Float64Array(queries.length);
  for (let s = 0; s < queries.length; s += B) {
    const chunk = queries.slice(s, s + B);
    for (const q of chunk)
      if (!(q.end >= 1 && q.end <= data.attempts.length))
        throw new Error(`understanding: a prediction needs 1..${data.attempts.length} attempts before it, got ${q.end}`);
    const z = await engine.predict(
      ktBatch(
        engine.cfg,
        chunk.map((q) => queryWindow(data, q.end, q.skill, T)),
        B,
      ),
    );
    chunk.forEach((_, b) => (out[s + b] = 1 / (1 + Math.exp(-z[b * T + T - 1]))));
  }
  return out;
}

/**
 * Starting parameters that attend by skill: a learner's few dozen attempts are too few to learn from scratch
 * that an attempt at a skill depends on the earlier attempts at that skill (what knowledge tracing
 * assumes). Each interaction's embedding starts as its skill's plus an outcome direction, and the query and
 * key projections start as the identity, so that a query's attention starts on the earlier attempts at its
 * own skill and their values carry the outcomes; training takes it from there.
 */
function skillMatchingInit(cfg: KtConfig, seed: number): Float32Array {
  const layout = ktParameterLayout(cfg);
  const p = initParameters(cfg, layout, seed);
  const rng = new Rng(seed + 1);
  const C = cfg.dim;
  const K = cfg.skills;
  const view = (name: string) => {
    const t = tensor(layout, name);
    return p.subarray(t.offset, t.offset + t.size);
  };
  const skill = view('skill_emb');
  const inter = view('inter_emb');
  const outcome = Float32Array.from({ length: C }, () => rng.normal());
  for (let s = 1; s <= K; s++) {
    for (let c = 0; c < C; c++) skill[s * C + c] = rng.normal();
    for (const y of [0, 1]) {
      const row = (s + K * y) * C;
      for (let c = 0; c < C; c++) inter[row + c] = skill[s * C + c] + (y ? 1 : -1) * outcome[c];
    }
  }
  const qw = view('q_w');
  const kvw = view('kv_w');
  for (let i = 0; i < C; i++) {
    qw[i * C + i] += 1;
    kvw[i * 2 * C + i] += 1; // keys: columns 0..C-1
    kvw[i * 2 * C + C + i] += 1; // values: columns C..2C-1
  }
  return p;
}
