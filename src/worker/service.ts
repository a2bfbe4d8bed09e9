/**
 * What the training worker does, free of worker plumbing so tests can drive
 * it directly: read the learner's data from IndexedDB, resume from the last
 * checkpoint (or train), update incrementally when new sessions arrive, fall
 * back to the CPU when WebGPU is missing or lost, and answer with
 * recommendations, attention maps and learning paths.
 */
import type { Repo } from '../data/repo';
import { APP_TRAINING } from '../model/config';
import type { ModelBackend } from '../train/backend';
import type { TrainingData } from '../train/learnerData';
import { sameConfig } from '../model/checkpoint';
import { dropNext, MODEL_ID, NEXT_ID, promoteNext, savedModel } from './checkpoints';
import type { TrainerLock } from './lock';
import { deviceLostNotice, retrainNotice, runNotice } from './outcome';
import { appTrainer, progressPacer, trainRun, type SavedCheckpoint } from './run';
import type { FromWorker, ModelInfo, ToWorker } from './protocol';
import { ShownModel } from './shown';
import { UnderstandingRunner } from './understanding';
import { validationReport } from '../eval/validation';
import { TrainControl, type TrainOutcome, type TrainProgress } from '../train/trainer';

const READ_ONLY_NOTICE = 'Training runs in another tab: this tab shows its model and picks up each new checkpoint.';

/** Epochs and budgets: model/config.ts (batch size, seed and learning rate: run.ts). */
const { trainEpochs: TRAIN_EPOCHS, updateEpochs: UPDATE_EPOCHS, updateBudgetMs: UPDATE_BUDGET_MS, trainBudgetMs: TRAIN_BUDGET_MS } = APP_TRAINING;

/** The model a retrain would replace, kept until the retrain finishes. */
interface Previous {
  backend: ModelBackend;
  data: TrainingData;
  info: ModelInfo;
}

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

export class ModelService extends ShownModel {
  private auto: { budgetMs: number; autoTrain: boolean } = { budgetMs: TRAIN_BUDGET_MS, autoTrain: false };
  /** Bounds every run by epochs instead of time (ToWorker init.epochs); null: the time budgets hold. */
  private epochs: number | null = null;
  private control: TrainControl | null = null;
  private running: Promise<void> | null = null;
  private queue: Promise<void> = Promise.resolve();
  private dirty = false;
  /** Posts training progress, paced (ServiceOptions.progressEveryMs) across runs. */
  private progress: (p: TrainProgress) => void;
  /** The clock time budgets and progress pacing read. */
  private clock: () => number;
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
    super(repo, post, opts.gpu);
    this.clock = opts.clock ?? (() => performance.now());
    this.progress = progressPacer((progress) => this.post({ type: 'progress', progress }), opts.progressEveryMs ?? 100, this.clock);
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
      const q = this.queue;
      await q;
      if (this.running) await this.running;
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

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const next = this.queue.then(fn).catch((e: unknown) => this.fail(e));
    this.queue = next;
    return next;
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

  private async dataChanged(): Promise<void> {
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

  private startUpdate(): void {
    if (this.info.readOnly) return;
    void this.enqueue(async () => {
      const { data } = await this.load();
      if (!this.data || !this.backend) return;
      this.data = data({ readingOf: this.data.vocab.readingOf, items: this.data.cfg.items });
      await this.run(this.backend, 'updating', UPDATE_EPOCHS, this.epochs ? Infinity : UPDATE_BUDGET_MS);
    });
  }

  private async startTraining(budgetMs: number): Promise<void> {
    if (this.info.readOnly) {
      this.post({ type: 'notice', kind: 'info', text: READ_ONLY_NOTICE });
      return;
    }
    const { readings, sessions, data } = await this.load();
    if (readings.length === 0) {
      this.setState('empty');
      return;
    }
    if (sessions.length === 0) {
      this.post({ type: 'notice', kind: 'info', text: 'Study a reading first: the model learns from your sessions (and any imported path packs).' });
    }
    // With a model in hand, the retrain trains beside it and replaces it only when it finishes.
    const previous: Previous | null =
      this.backend && this.data && (this.info.state === 'ready' || this.info.state === 'broken')
        ? { backend: this.backend, data: this.data, info: { ...this.info } }
        : null;
    const d = data();
    this.data = d;
    const backend = await this.newBackend(d, previous !== null);
    await this.run(backend, 'training', this.epochs ?? TRAIN_EPOCHS, this.epochs ? Infinity : budgetMs, previous);
  }

  /** A retrain that did not finish: its checkpoint is dropped and the model it would have replaced comes back. */
  private async backToPrevious(previous: Previous, trained: ModelBackend): Promise<void> {
    if (trained !== previous.backend) trained.destroy();
    this.backend = previous.backend;
    this.data = previous.data;
    const { backend, backendKind, fallback, trainedAt, valHr10, valCases, validation, steps } = previous.info;
    this.info = { ...this.info, backend, backendKind, fallback, trainedAt, valHr10, valCases, validation, steps };
    await dropNext(this.repo);
    this.setState((await this.publish()) ? 'ready' : 'broken');
  }

  /** Train in the background; the queue moves on so pause/cancel/plan messages are answered meanwhile. */
  private run(backend: ModelBackend, phase: 'training' | 'updating', epochs: number, budgetMs: number, previous: Previous | null = null): Promise<void> {
    const data = this.data!;
    const trainer = appTrainer(backend, data, this.info.steps);
    const control = new TrainControl();
    this.control = control;
    this.setState(phase);
    const hadModel = phase === 'updating';
    /** The checkpoint the model holds after this run (the page shows it, as a reload would). */
    let saved = null as SavedCheckpoint | null;
    // A training run starts from scratch; an update continues the model's count.
    const steps0 = phase === 'training' ? 0 : this.info.steps;
    const slot = previous ? NEXT_ID : MODEL_ID;
    const task = (async () => {
      let out: TrainOutcome;
      this.training = true;
      try {
        out = await trainRun({
          repo: this.repo,
          trainer,
          data,
          phase,
          epochs,
          budgetMs,
          control,
          clock: this.clock,
          slot,
          steps0,
          onProgress: this.progress,
          onSaved: (s, p) => {
            saved = s;
            this.post({ type: 'progress', progress: p });
          },
          onCpu: (cpu, reason) => {
            this.backend = cpu;
            this.info = { ...this.info, backend: cpu.label, backendKind: 'cpu', fallback: `the WebGPU device was lost (${reason})` };
            this.post(deviceLostNotice(reason));
            this.setState(this.info.state);
          },
        });
      } catch (e) {
        this.fail(e);
        this.control = null;
        this.training = false;
        if (previous) await this.backToPrevious(previous, trainer.backend);
        else this.setState(hadModel || saved ? 'ready' : 'untrained');
        return;
      } finally {
        this.control = null;
        this.training = false;
      }
      if (previous) {
        if (out.status === 'finished' && saved) {
          await promoteNext(this.repo);
          if (previous.backend !== trainer.backend) previous.backend.destroy();
        } else {
          this.post(retrainNotice(out));
          await this.backToPrevious(previous, trainer.backend);
          return;
        }
      }
      this.backend = trainer.backend;
      const trained = hadModel || saved !== null;
      const notice = runNotice(out, trained);
      if (notice) this.post(notice);
      if (out.status !== 'finished') this.backend.load(out.blob);
      if (!trained) {
        this.setState('untrained');
        return;
      }
      // Recommendations first, so that "ready" never shows the previous model's.
      const scored = await this.publish();
      // What the last checkpoint says, not the run's end: a cancelled or diverged run goes back to that
      // checkpoint, and a reload shows the same time and step count.
      this.setState(
        scored ? 'ready' : 'broken',
        saved
          ? {
              trainedAt: saved.at,
              valHr10: saved.valHr10,
              valCases: saved.validation?.model.length ?? 0,
              validation: saved.validation ? validationReport(saved.validation) : null,
              steps: saved.steps,
            }
          : {},
      );
    })();
    const running = task.finally(() => {
      this.running = null;
      if (this.dirty) {
        this.dirty = false;
        void this.enqueue(() => this.dataChanged());
      }
    });
    this.running = running;
    return Promise.resolve();
  }
}
