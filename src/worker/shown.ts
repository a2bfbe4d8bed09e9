/**
 * The model a worker shows the page: its state, its engine and data, and the recommendations, attention
 * maps and learning path it publishes. ModelService (service.ts) changes it as messages and runs come.
 */
import type { Repo } from '../data/repo';
import type { Reading, StudySession } from '../data/types';
import { NonFiniteScoresError, planSteps, recommendNext } from '../recommend/advice';
import { isColdStart, starterPath } from '../recommend/coldStart';
import { todaysReviews, type TodaysReviews } from '../recommend/reviews';
import { DEFAULT_REVIEW_MINUTES } from '../data/reviewLog';
import { createBackend, type ModelBackend } from '../train/backend';
import { trainingData, type TrainingData } from '../train/learnerData';
import { LOADING_INFO, type FromWorker, type ModelInfo } from './protocol';
import { backendOptions } from './run';

export abstract class ShownModel {
  protected info: ModelInfo = { ...LOADING_INFO };
  protected prefer: 'auto' | 'cpu' = 'auto';
  protected data: TrainingData | null = null;
  protected backend: ModelBackend | null = null;
  /** True while the trainer holds the model (scoring waits until it lets go). */
  protected training = false;
  /** The plan the page asked for last; `now` (ISO 8601) is the page's time, which decides what is due. */
  protected lastPlan: { minutes: number; skip: string[]; now: string } | null = null;

  constructor(
    protected repo: Repo,
    protected post: (m: FromWorker) => void,
    /** WebGPU entry point (ServiceOptions.gpu). */
    private gpu: GPU | undefined,
  ) {}

  get state(): ModelInfo {
    return { ...this.info };
  }

  /** The backend in use (tests reach the GPU device through it). */
  get currentBackend(): ModelBackend | null {
    return this.backend;
  }

  protected fail(e: unknown): void {
    const text = e instanceof Error ? e.message : String(e);
    this.post({ type: 'notice', kind: 'error', text: `The model could not run: ${text}` });
    if (this.info.state === 'loading') this.setState(this.backend ? 'ready' : 'untrained');
  }

  protected setState(state: ModelInfo['state'], extra: Partial<ModelInfo> = {}): void {
    this.info = { ...this.info, ...extra, state };
    this.post({ type: 'info', info: { ...this.info } });
  }

  protected async load(): Promise<{
    readings: Reading[];
    sessions: StudySession[];
    data: (previous?: { readingOf: string[]; items: number }) => TrainingData;
  }> {
    const [readings, sessions, packs] = await Promise.all([this.repo.readings(), this.repo.sessions(), this.repo.pathPacks()]);
    return { readings, sessions, data: (previous) => trainingData(readings, sessions, packs, previous) };
  }

  /** A fresh backend for `data`; the current one is destroyed unless `keep` (a retrain keeps it to go back to). */
  protected async newBackend(data: TrainingData, keep = false): Promise<ModelBackend> {
    if (!keep) this.backend?.destroy();
    this.backend = null;
    const { backend, fallback } = await createBackend(data.cfg, backendOptions(data), this.prefer, this.gpu);
    this.backend = backend;
    this.info = { ...this.info, backend: backend.label, backendKind: backend.kind, fallback };
    return backend;
  }

  /**
   * Recommendations and attention maps for the current model, then the path if one was asked for.
   * False when the model's scores are not numbers: the learner is told, with no recommendations, and the
   * caller shows the 'broken' state (which offers a retrain).
   */
  protected async publish(): Promise<boolean> {
    if (!this.data || !this.backend) return true;
    let advice: Awaited<ReturnType<typeof recommendNext>>;
    try {
      advice = await recommendNext(this.data, this.backend);
    } catch (e) {
      if (!(e instanceof NonFiniteScoresError)) throw e;
      this.post({ type: 'recommendations', recommendations: [], attention: { history: [], rollout: [] } });
      this.post({ type: 'notice', kind: 'error', text: `The model's scores are not numbers (${e.message}); retrain it.` });
      return false;
    }
    this.post({ type: 'recommendations', recommendations: advice.recommendations, attention: advice.attention });
    if (this.lastPlan) await this.plan(true);
    return true;
  }

  /**
   * Today's plan: the due reviews that fit (recommend/reviews.ts, FSRS), then new readings in the
   * minutes left, from the starting suggestion or the model.
   */
  protected async plan(scored = false): Promise<void> {
    if (!this.lastPlan) return;
    const due = await this.dueReviews();
    if (await this.planStarter(due)) return;
    // While training runs, the plan waits: publish() re-plans when it ends. A broken model plans nothing.
    if (!this.data || !this.backend || this.training || (!scored && this.info.state === 'broken')) return;
    const { minutes, skip } = this.lastPlan;
    const steps = await planSteps(this.data, this.backend, due.minutesLeft, skip);
    this.post({ type: 'path', minutes, steps, starter: null, reviews: due.reviews });
  }

  /** The reviews due at the plan's `now` that fit its minutes, and the minutes left for new readings. */
  private async dueReviews(): Promise<{ reviews: TodaysReviews; minutesLeft: number }> {
    const plan = this.lastPlan!;
    const [readings, log, settings] = await Promise.all([this.repo.readings(), this.repo.reviews(), this.repo.settings()]);
    return todaysReviews(readings, log, settings.reviewMinutes ?? DEFAULT_REVIEW_MINUTES, plan.minutes, new Date(plan.now));
  }

  /**
   * With fewer than COLD_START_SESSIONS sessions the path asked for is the starting suggestion
   * (recommend/coldStart.ts), at once and whatever the model's state: it needs no model. True when
   * that is the case (and the path was posted).
   */
  protected async planStarter(due?: { reviews: TodaysReviews; minutesLeft: number }): Promise<boolean> {
    if (!this.lastPlan) return false;
    const [readings, sessions, packs] = await Promise.all([this.repo.readings(), this.repo.sessions(), this.repo.pathPacks()]);
    if (!isColdStart(sessions.length)) return false;
    const { minutes, skip } = this.lastPlan;
    const { reviews, minutesLeft } = due ?? (await this.dueReviews());
    const { steps, fromPack } = await starterPath({ catalog: readings, packs, minutes: minutesLeft, skip: new Set(skip) });
    const starter = fromPack ? 'pack' : 'foundations';
    this.post({ type: 'path', minutes, steps: steps.map((s) => ({ ...s, because: [] })), starter, reviews });
    return true;
  }
}
