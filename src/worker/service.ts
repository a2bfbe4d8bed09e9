/**
 * What the training worker does, free of worker plumbing so tests can drive
 * it directly: read the learner's data from IndexedDB, resume from the last
 * checkpoint (or train), update incrementally when new sessions arrive, fall
 * back to the CPU when WebGPU is missing or lost, and answer with
 * recommendations, attention maps and learning paths. This file takes the
 * messages in order and decides what each does; the training runs themselves
 * are runs.ts, and what the page is shown is shown.ts.
 */
import type { Repo } from '../data/repo';
import { sameConfig } from '../model/checkpoint';
import { savedModel } from './checkpoints';
import type { TrainerLock } from './lock';
import type { FromWorker, ToWorker } from './protocol';
import { TRAIN_BUDGET_MS, TrainingRuns } from './runs';
import { UnderstandingRunner } from './understanding';
import { validationReport } from '../eval/validation';

export interface ServiceOptions {
  /** WebGPU entry point (the worker's navigator.gpu by default; Dawn's in Node tests). */
  gpu?: GPU;
  /** Shortest gap between two progress messages. */
  progressEveryMs?: number;
  /** Milliseconds on a monotonic clock (performance.now by default): time budgets and progress pacing read it. */
  clock?: () => number;
  /** One trainer across tabs (the worker's entry passes Web Locks; tests a fake). Without it this service always trains. */
  lock?: TrainerLock;
}

export class ModelService extends TrainingRuns {
  private auto: { budgetMs: number; autoTrain: boolean } = { budgetMs: TRAIN_BUDGET_MS, autoTrain: false };
  /** The trainer lock was asked for (at the first init). */
  private lockAsked = false;
  /** Predicted understanding (issue 18): its own small model, trained beside this one. */
  private understanding: UnderstandingRunner;

  /** True when training is paused and no step is still in flight. */
  get held(): boolean {
    return this.control?.held ?? false;
  }

  constructor(
    repo: Repo,
    post: (m: FromWorker) => void,
    private opts: ServiceOptions = {},
  ) {
    super(repo, post, opts.gpu, opts.clock ?? (() => performance.now()), opts.progressEveryMs ?? 100);
    this.understanding = new UnderstandingRunner(
      repo,
      post,
      () => ({ prefer: this.prefer, gpu: opts.gpu }),
      () => this.recommenderIdle(),
    );
  }

  /** Messages that steer a running training act at once; the rest wait their turn. */
  handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'pause':
        if (this.control && !this.control.paused) {
          this.control.pause();
          this.setState('paused');
        }
        return Promise.resolve();
      case 'resume':
        if (this.control?.paused) {
          this.control.resume();
          this.setState('training');
        }
        return Promise.resolve();
      case 'cancel':
        this.control?.cancel();
        this.understanding.cancel();
        return Promise.resolve();
      case 'cancel-understanding':
        this.understanding.cancel();
        return Promise.resolve();
      case 'model-changed':
        // Only a read-only tab follows another tab's checkpoints; the trainer wrote them itself.
        return this.info.readOnly ? this.enqueue(() => this.init(this.auto.budgetMs, false)) : Promise.resolve();
      case 'data-changed':
        this.understanding.refresh();
        if (this.running) {
          this.dirty = true;
          // The starting suggestion needs no model: it follows the data at once, even while training runs.
          return this.enqueue(async () => void (await this.planStarter()));
        }
        return this.enqueue(() => this.dataChanged());
      case 'init':
        this.prefer = msg.prefer;
        this.auto = { budgetMs: msg.budgetMs, autoTrain: msg.autoTrain };
        this.epochs = msg.epochs !== undefined && Number.isInteger(msg.epochs) && msg.epochs > 0 ? msg.epochs : null;
        this.understanding.refresh();
        return this.enqueue(() => this.init(msg.budgetMs, msg.autoTrain));
      case 'train':
        return this.enqueue(() => this.startTraining(msg.budgetMs));
      case 'plan':
        this.lastPlan = { minutes: msg.minutes, skip: msg.skip, now: msg.now };
        return this.enqueue(() => this.plan());
      case 'reviews-changed':
        return this.enqueue(() => this.plan());
    }
  }

  /** Resolves when no training runs and no message waits (predicted understanding's included). */
  async idle(): Promise<void> {
    for (;;) {
      await this.recommenderIdle();
      const q = this.queue;
      await this.understanding.idle();
      if (q === this.queue && !this.running) return;
    }
  }

  /**
   * Resolves when no message waits and no training runs: a data change queues the recommender's update
   * before its training starts, so waiting on `running` alone would let the understanding model start first.
   */
  private async recommenderIdle(): Promise<void> {
    for (;;) {
      const q = this.queue;
      await q;
      if (this.running) await this.running;
      if (q === this.queue && !this.running) return;
    }
  }

  /**
   * Asks for the trainer lock once. Held: this service trains. Held elsewhere: the model is shown read-only
   * (info.readOnly) until the lock comes free, and then this service takes over as the trainer.
   */
  private async askLock(): Promise<void> {
    const lock = this.opts.lock;
    if (!lock || this.lockAsked) return;
    this.lockAsked = true;
    if (await lock.tryAcquire()) return;
    this.info = { ...this.info, readOnly: true };
    void lock.acquire().then(() =>
      this.enqueue(async () => {
        this.info = { ...this.info, readOnly: false };
        this.post({ type: 'notice', kind: 'info', text: 'The tab that trained the model was closed: this tab trains it now.' });
        await this.init(this.auto.budgetMs, this.auto.autoTrain);
      }),
    );
  }

  /** Loads the saved model (and trains or updates it unless read-only); a read-only tab calls it again for each new checkpoint. */
  private async init(budgetMs: number, autoTrain: boolean): Promise<void> {
    await this.askLock();
    const { readOnly } = this.info;
    const { readings, sessions, data } = await this.load();
    if (readings.length === 0) {
      this.setState('empty');
      return;
    }
    const saved = await savedModel(this.repo);
    if (saved) {
      const { ckpt, meta } = saved;
      const d = data({ readingOf: meta.vocab, items: meta.items });
      if (d.cfg.items === meta.items) {
        try {
          // A read-only tab following the trainer's checkpoints loads each into the model it has (same shape).
          const same = readOnly && this.backend && this.data && sameConfig(this.data.cfg, d.cfg);
          const backend = same && this.backend ? this.backend : await this.newBackend(d);
          backend.load(ckpt.blob);
          this.data = d;
          const validation = meta.validation ? validationReport(meta.validation) : null;
          const restored = { trainedAt: ckpt.createdAt, valHr10: meta.valHr10, valCases: meta.valCases, validation, steps: meta.steps };
          if (d.dataKey !== meta.dataKey && !readOnly) {
            this.setState('ready', restored);
            this.startUpdate();
          } else {
            this.setState((await this.publish()) ? 'ready' : 'broken', restored);
          }
          return;
        } catch (e) {
          this.post({
            type: 'notice',
            kind: 'error',
            text: `The saved model could not be restored (${e instanceof Error ? e.message : String(e)}); ${readOnly ? 'the tab that trains will train it again' : 'it will be trained again'}.`,
          });
        }
      }
    }
    this.setState('untrained', { backend: this.info.backend });
    if (autoTrain && sessions.length > 0 && !readOnly) await this.startTraining(budgetMs);
  }

  protected async dataChanged(): Promise<void> {
    if (this.info.state === 'loading') return;
    await this.planStarter();
    // A training run started while this waited in the queue: it runs again when the run ends.
    if (this.running) {
      this.dirty = true;
      return;
    }
    // Read-only: the same saved model over the new data; the trainer's tab updates it.
    if (this.info.readOnly) return this.init(this.auto.budgetMs, false);
    if (this.info.state === 'empty' || this.info.state === 'untrained') {
      const { readings, sessions } = await this.load();
      if (readings.length === 0) return this.setState('empty');
      if (this.info.state === 'empty') this.setState('untrained');
      if (this.auto.autoTrain && sessions.length > 0) await this.startTraining(this.auto.budgetMs);
      return;
    }
    if (!this.data || !this.backend) return;
    const { data } = await this.load();
    const d = data({ readingOf: this.data.vocab.readingOf, items: this.data.cfg.items });
    if (d.cfg.items !== this.data.cfg.items) {
      this.post({ type: 'notice', kind: 'info', text: 'The catalog outgrew the model: training a larger one.' });
      await this.startTraining(TRAIN_BUDGET_MS);
      return;
    }
    if (d.dataKey !== this.data.dataKey) {
      this.data = d;
      this.startUpdate();
      return;
    }
    this.data = d; // readings edited, hidden or added: same model, fresh catalog
    const scored = await this.publish();
    if (this.info.state === 'ready' || this.info.state === 'broken') this.setState(scored ? 'ready' : 'broken');
  }
}
