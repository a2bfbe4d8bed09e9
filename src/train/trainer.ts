/**
 * The training loop the worker runs: epochs over the learner's rows (weighted
 * up) and the path packs' rows, progress after every step, a checkpoint after
 * every epoch, validation on held-out events (validate()), pause /
 * resume / cancel between steps, a time budget, a guard that stops on a
 * non-finite loss or non-finite weights at an epoch's end (a checkpoint with
 * a NaN is never written) and restores the last good checkpoint, saying
 * whether that model scores with numbers, and a hand-over to another backend
 * when the GPU device is lost.
 */
import { NonFiniteWeightsError } from '../model/checkpoint';
import { Rng } from '../model/random';
import { metricsFromRanks, rankOf, type Metrics, type ValidationRanks } from './metrics';
import { shuffled } from './sampling';
import type { ModelBackend } from './backend';
import { EVENT_FEATURES } from './fromHistory';
import { communityRow, learnerRows, neutralSequenceFeatures, rowBatch, type Row, type TrainingData } from './learnerData';

/** Pause, resume and cancel, checked between steps. */
export class TrainControl {
  private pausedWith: (() => void) | null = null;
  private gate: Promise<void> | null = null;
  cancelled = false;
  /** True while the training loop is parked at the gate (no step in flight). */
  held = false;

  get paused(): boolean {
    return this.gate !== null;
  }
  pause(): void {
    if (!this.gate) this.gate = new Promise((resolve) => (this.pausedWith = resolve));
  }
  resume(): void {
    this.pausedWith?.();
    this.pausedWith = null;
    this.gate = null;
  }
  cancel(): void {
    this.cancelled = true;
    this.resume();
  }
  /** Wait while paused; true when training should stop. */
  async proceed(): Promise<boolean> {
    while (this.gate && !this.cancelled) {
      this.held = true;
      await this.gate;
    }
    this.held = false;
    return this.cancelled;
  }
}

/** Why a run ended: it ran every epoch, ran out of time, was cancelled, or stopped on a non-finite number. */
type RunEnd = 'epochs' | 'budget' | 'cancelled' | 'diverged';

export interface TrainProgress {
  phase: 'training' | 'updating';
  step: number;
  steps: number;
  epoch: number;
  epochs: number;
  loss: number;
  /** HR@10 on the held-out events (Trainer.validate), after the latest epoch. */
  valHr10: number | null;
  /** Events validation ranks: the learner's held-out newest ones and the path packs' held-out last ones. */
  valCases: number;
  /** The latest epoch's validation, event by event (eval/validation.ts reports it); null before the first. */
  validation: ValidationRanks | null;
  /** Set on a run's last report only: why it ended (all its epochs, its time budget, a cancel, or a divergence). */
  ended?: RunEnd;
  elapsedMs: number;
  budgetMs: number;
  /** 0..1: the larger of steps done and time used. */
  fraction: number;
}

export interface TrainOutcome {
  status: 'finished' | 'cancelled' | 'diverged';
  steps: number;
  loss: number;
  valHr10: number | null;
  valNdcg10: number | null;
  valCases: number;
  validation: ValidationRanks | null;
  message?: string;
  /** Why a diverged run stopped (the loss or the weights), without what was restored. */
  reason?: string;
  /** The checkpoint the model now holds. */
  blob: Uint8Array;
}

export interface TrainOptions {
  phase?: 'training' | 'updating';
  epochs: number;
  budgetMs: number;
  control?: TrainControl;
  onProgress?: (p: TrainProgress) => void;
  /** After each epoch, with a checkpoint of the model (persist it). */
  onEpoch?: (blob: Uint8Array, p: TrainProgress) => Promise<void> | void;
  /** The GPU device was lost: return a backend to carry on with (it will be loaded with the last good checkpoint). */
  onDeviceLost?: (reason: string) => Promise<ModelBackend>;
  /** Milliseconds on a monotonic clock (performance.now by default); tests inject a fake one to test the budget. */
  clock?: () => number;
}

/** Rank (1 = best) of `target` among the real readings (no empty slots) not already in `history`. */
export function rankAmongUnread(scores: ArrayLike<number>, target: number, history: number[], readingOf: string[]): number {
  const seen = new Set(history);
  return rankOf(scores, target, (id) => readingOf[id] !== '' && !seen.has(id));
}

/** Path-pack learners whose last event validation ranks (evenly spread over the packs): enough for a tight interval, few enough to score after every epoch. */
export const PACK_CASES = 100;

export class Trainer {
  private rng: Rng;
  readonly stepsPerEpoch: number;

  constructor(
    public backend: ModelBackend,
    readonly data: TrainingData,
    readonly batchSize: number,
    seed: number,
    private learnerWeight = 4,
    /** Hold out each path-pack learner's last event (no loss on it) so that validation can rank it. */
    private communityHoldout = false,
  ) {
    this.rng = new Rng(seed);
    this.stepsPerEpoch = Math.max(1, Math.ceil(this.rows().length / batchSize));
  }

  /** One epoch's rows: every community sequence once, the learner's windows learnerWeight times. */
  rows(): Row[] {
    const { data } = this;
    const T = data.cfg.maxlen;
    const community = data.community.map((s) =>
      communityRow(s.length > T + 1 ? s.slice(-(T + 1)) : s, data.minutes, this.communityHoldout ? Math.min(s.length, T + 1) - 1 : undefined),
    );
    const own = learnerRows(data.learner, data.holdout, T);
    const rows = [...community];
    for (let k = 0; k < this.learnerWeight; k++) rows.push(...own);
    return rows.filter((r) => Math.min(r.items.length, r.lossEnd) >= 2);
  }

  /** The path-pack sequences whose last event is held out and ranked (none unless communityHoldout). */
  private packCases(): number[][] {
    const { community } = this.data;
    if (!this.communityHoldout) return [];
    const n = Math.min(PACK_CASES, community.length);
    return Array.from({ length: n }, (_, i) => community[Math.floor((i * community.length) / n)]);
  }

  /**
   * Validation on events no loss ever touched: the learner's held-out newest events, each predicted from
   * every event before it (rolling: the earlier held-out events are read, never trained on), then the
   * held-out last event of up to PACK_CASES path-pack learners, each predicted from that learner's earlier
   * events. Each is ranked among every real reading not already in its history, by the model and by
   * popularity (how often each reading occurs in the events trained on, so the baseline sees no more).
   */
  async validate(): Promise<ValidationRanks> {
    const { learner, holdout, vocab, community } = this.data;
    const F = EVENT_FEATURES;
    const n = learner.items.length;
    const popularity = new Float64Array(vocab.readingOf.length);
    for (const id of learner.items.slice(0, n - holdout)) popularity[id]++;
    for (const s of community) for (const id of this.communityHoldout ? s.slice(0, -1) : s) popularity[id]++;
    const out: ValidationRanks = { model: [], popularity: [], learner: holdout };
    const rank = async (history: number[], features: Float32Array, target: number) => {
      const scores = await this.backend.scores(history, features);
      out.model.push(rankAmongUnread(scores, target, history, vocab.readingOf));
      out.popularity.push(rankAmongUnread(popularity, target, history, vocab.readingOf));
    };
    for (let j = n - holdout; j < n; j++) await rank(learner.items.slice(0, j), learner.features.slice(0, j * F), learner.items[j]);
    for (const s of this.packCases()) {
      const history = s.slice(0, -1);
      await rank(history, neutralSequenceFeatures(history, this.data.minutes), s[s.length - 1]);
    }
    return out;
  }

  /** True when the model scores every real reading with a finite number after the learner's history. */
  async scoresFinite(): Promise<boolean> {
    const { learner, vocab } = this.data;
    const scores = await this.backend.scores(learner.items, learner.features);
    return vocab.readingOf.every((id, i) => id === '' || Number.isFinite(scores[i]));
  }

  /** The last event of each community sequence, ranked as in validate() (for the quality benchmark). */
  async validateCommunity(limit = Infinity): Promise<Metrics> {
    const { vocab } = this.data;
    const ranks: number[] = [];
    for (const s of this.data.community.slice(0, limit)) {
      const history = s.slice(0, -1);
      const scores = await this.backend.scores(history, neutralSequenceFeatures(history, this.data.minutes));
      ranks.push(rankAmongUnread(scores, s[s.length - 1], history, vocab.readingOf));
    }
    return metricsFromRanks(ranks);
  }

  async train(o: TrainOptions): Promise<TrainOutcome> {
    const now = o.clock ?? (() => performance.now());
    const start = now();
    const control = o.control ?? new TrainControl();
    const steps = o.epochs * this.stepsPerEpoch;
    let lastGood = await this.backend.save();
    /** The epoch whose checkpoint lastGood is (0: the model this run started from). */
    let lastGoodEpoch = 0;
    let step = 0;
    let loss = NaN;
    let ranks: ValidationRanks | null = null;
    let val: Metrics | null = null;
    const progress = (epoch: number, ended?: RunEnd): TrainProgress => {
      const elapsedMs = now() - start;
      return {
        phase: o.phase ?? 'training',
        step,
        steps,
        epoch,
        epochs: o.epochs,
        loss,
        valHr10: val?.hr10 ?? null,
        valCases: ranks?.model.length ?? 0,
        validation: ranks,
        ...(ended ? { ended } : {}),
        elapsedMs,
        budgetMs: o.budgetMs,
        fraction: Math.min(1, Math.max(step / steps, elapsedMs / o.budgetMs)),
      };
    };
    const outcome = (status: TrainOutcome['status'], message?: string, reason?: string): TrainOutcome => ({
      status,
      steps: step,
      loss,
      valHr10: val?.hr10 ?? null,
      valNdcg10: val?.ndcg10 ?? null,
      valCases: ranks?.model.length ?? 0,
      validation: ranks,
      message,
      reason,
      blob: lastGood,
    });
    /** Back to lastGood, with a message that says only what is true of the model restored. */
    const diverged = async (what: string, epoch: number): Promise<TrainOutcome> => {
      this.backend.load(lastGood);
      o.onProgress?.(progress(epoch, 'diverged'));
      const from = lastGoodEpoch > 0 ? `its checkpoint after epoch ${lastGoodEpoch} of this run` : 'the model this run started from';
      const head = `Training stopped at step ${step}: ${what}.`;
      return outcome(
        'diverged',
        (await this.scoresFinite())
          ? `${head} The model was restored to ${from}.`
          : `${head} Restoring ${from} did not help: its scores are not numbers either. Retrain the model from scratch.`,
        what,
      );
    };
    let ended: RunEnd = 'epochs';
    let epoch = 1;
    for (; epoch <= o.epochs; epoch++) {
      const unshuffled = this.rows();
      const rows = shuffled(unshuffled.length, this.rng).map((i) => unshuffled[i]);
      for (let i = 0; i < rows.length; i += this.batchSize) {
        if (await control.proceed()) {
          o.onProgress?.(progress(epoch, 'cancelled'));
          return outcome('cancelled');
        }
        const batch = rowBatch(this.data.cfg, rows.slice(i, i + this.batchSize), this.batchSize);
        try {
          loss = await this.backend.trainStep(batch);
        } catch (e) {
          const reason = this.backend.lostReason();
          if (reason === null || !o.onDeviceLost) throw e;
          this.backend = await o.onDeviceLost(reason);
          this.backend.load(lastGood);
          continue;
        }
        step++;
        if (!Number.isFinite(loss)) return diverged(`the loss became ${loss}`, epoch);
        o.onProgress?.(progress(epoch));
        if (now() - start > o.budgetMs) {
          if (epoch < o.epochs || i + this.batchSize < rows.length) ended = 'budget';
          break;
        }
      }
      ranks = await this.validate();
      val = ranks.model.length > 0 ? metricsFromRanks(ranks.model) : null;
      try {
        lastGood = await this.backend.save();
        lastGoodEpoch = epoch;
      } catch (e) {
        if (!(e instanceof NonFiniteWeightsError)) throw e;
        return diverged(
          `after epoch ${epoch} the weights were not all finite, so no checkpoint was written (${e.message.replace(/^checkpoint: not written, /, '')})`,
          epoch,
        );
      }
      const p = progress(epoch);
      await o.onEpoch?.(lastGood, p);
      o.onProgress?.(p);
      if (ended === 'budget' || (epoch < o.epochs && now() - start > o.budgetMs)) {
        ended = 'budget';
        break;
      }
    }
    o.onProgress?.(progress(Math.min(epoch, o.epochs), ended));
    return outcome('finished');
  }
}
