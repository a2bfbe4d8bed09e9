/**
 * The recommender's training runs, in the background of a ModelService (service.ts): a training from
 * scratch beside the model it would replace (kept until it finishes), or an update of the model on new data;
 * progress, checkpoints, the CPU fall-back when the GPU is lost, and what the page is shown when a run ends.
 * The queue orders everything else the worker does; a run leaves it free, so that pause, cancel and plan
 * messages are answered while it trains.
 */
import type { Repo } from '../data/repo';
import { APP_TRAINING } from '../model/config';
import type { ModelBackend } from '../train/backend';
import type { TrainingData } from '../train/learnerData';
import { dropNext, MODEL_ID, NEXT_ID, promoteNext } from './checkpoints';
import { deviceLostNotice, retrainNotice, runNotice } from './outcome';
import { appTrainer, progressPacer, trainRun, type SavedCheckpoint } from './run';
import type { FromWorker, ModelInfo } from './protocol';
import { ShownModel } from './shown';
import { validationReport } from '../eval/validation';
import { TrainControl, type TrainOutcome, type TrainProgress } from '../train/trainer';

const READ_ONLY_NOTICE = 'Training runs in another tab: this tab shows its model and picks up each new checkpoint.';

/** Epochs and budgets: model/config.ts (batch size, seed and learning rate: run.ts). */
const { trainEpochs: TRAIN_EPOCHS, updateEpochs: UPDATE_EPOCHS, updateBudgetMs: UPDATE_BUDGET_MS } = APP_TRAINING;
export const TRAIN_BUDGET_MS = APP_TRAINING.trainBudgetMs;

/** The model a retrain would replace, kept until the retrain finishes. */
interface Previous {
  backend: ModelBackend;
  data: TrainingData;
  info: ModelInfo;
}

export abstract class TrainingRuns extends ShownModel {
  /** Bounds every run by epochs instead of time (ToWorker init.epochs); null: the time budgets hold. */
  protected epochs: number | null = null;
  protected control: TrainControl | null = null;
  /** The run in flight, if any. */
  protected running: Promise<void> | null = null;
  /** Every message's work, in order. */
  protected queue: Promise<void> = Promise.resolve();
  /** The data changed during a run: dataChanged() runs when it ends. */
  protected dirty = false;
  /** Posts training progress, paced (progressEveryMs) across runs. */
  private progress: (p: TrainProgress) => void;

  constructor(
    repo: Repo,
    post: (m: FromWorker) => void,
    gpu: GPU | undefined,
    /** The clock time budgets and progress pacing read. */
    protected clock: () => number,
    progressEveryMs: number,
  ) {
    super(repo, post, gpu);
    this.progress = progressPacer((progress) => this.post({ type: 'progress', progress }), progressEveryMs, this.clock);
  }

  /** What a change of the learner's data does (ModelService); a change during a run is handled when it ends. */
  protected abstract dataChanged(): Promise<void>;

  protected enqueue(fn: () => Promise<void>): Promise<void> {
    const next = this.queue.then(fn).catch((e: unknown) => this.fail(e));
    this.queue = next;
    return next;
  }

  /** Queues an update of the model (a few epochs on the new data), unless this tab only shows another's model. */
  protected startUpdate(): void {
    if (this.info.readOnly) return;
    void this.enqueue(async () => {
      const { data } = await this.load();
      if (!this.data || !this.backend) return;
      this.data = data({ readingOf: this.data.vocab.readingOf, items: this.data.cfg.items });
      await this.run(this.backend, 'updating', UPDATE_EPOCHS, this.epochs ? Infinity : UPDATE_BUDGET_MS);
    });
  }

  protected async startTraining(budgetMs: number): Promise<void> {
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
