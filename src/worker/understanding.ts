/**
 * Predicted understanding in the worker (issue 18), after the recommender's
 * run for the same change: each change of the learner's rated sessions or
 * topics trains the knowledge-tracing model again from its start
 * (UNDERSTANDING_TRAINING.steps steps on one learner's attempts: nothing is saved), with progress and cancel;
 * any other change asks the trained model again. It posts the view
 * (recommend/understanding.ts). One run at a time; a change during a run
 * cancels it and starts the next. WebGPU where it works (its own context),
 * else the CPU reference.
 */
import { GpuContext } from '../gpu/context';
import type { Repo } from '../data/repo';
import { understandingView } from '../recommend/understanding';
import { understandingData, type UnderstandingData } from '../train/understandingData';
import { createUnderstandingModel, restartUnderstandingModel, type UnderstandingModel } from '../train/understandingModel';
import type { FromWorker } from './protocol';

/** Progress is posted every this many steps (and at the last). */
const PROGRESS_EVERY = 50;

export class UnderstandingRunner {
  private ctx: GpuContext | null = null;
  private engine: UnderstandingModel | null = null;
  private gpuWorks = true;
  /** The data key the engine was last trained on to the end (train/understandingData.ts), null: none. */
  private trainedKey: string | null = null;
  private cancelled = false;
  private running: Promise<void> = Promise.resolve();
  private wanted = false;

  constructor(
    private repo: Repo,
    private post: (m: FromWorker) => void,
    private compute: () => { prefer: 'auto' | 'cpu'; gpu: GPU | undefined },
    /** Resolves when the recommender is not training: this model trains after it, not against it for the same cores. */
    private recommenderIdle: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /** Builds the view again on the data as it is now (cancelling a run in flight), training again if the rated sessions or topics changed. */
  refresh(): void {
    this.cancelled = true;
    this.wanted = true;
    this.running = this.running.then(() => this.next());
  }

  /** Stops a run in flight; the next refresh starts again. */
  cancel(): void {
    this.cancelled = true;
  }

  /** Resolves when no run is in flight or waiting. */
  async idle(): Promise<void> {
    for (;;) {
      const r = this.running;
      await r;
      if (r === this.running) return;
    }
  }

  /**
   * The model for `data`, at its start: the last run's, reset, while the topics are the same; otherwise a new
   * one, in a GPU context of its own (the last one's buffers are destroyed with it).
   */
  private async model(data: UnderstandingData): Promise<UnderstandingModel> {
    const last = this.engine;
    if (last && last.cfg.skills === data.topics.length) {
      restartUnderstandingModel(last);
      return last;
    }
    this.ctx?.destroy();
    this.ctx = null;
    this.engine = null;
    const { prefer, gpu } = this.compute();
    if (prefer !== 'cpu' && this.gpuWorks) {
      try {
        this.ctx = await GpuContext.create(gpu);
      } catch {
        this.gpuWorks = false; // the recommender's info already says why WebGPU is missing
      }
    }
    this.engine = await createUnderstandingModel(data, this.ctx);
    return this.engine;
  }

  private async next(): Promise<void> {
    if (!this.wanted) return;
    this.wanted = false;
    this.cancelled = false;
    try {
      await this.recommenderIdle();
      if (this.cancelled) {
        // A newer refresh is queued (it runs next), or the learner cancelled while this waited.
        if (!this.wanted) this.post({ type: 'understanding-progress', step: 0, steps: 0 });
        return;
      }
      const [readings, sessions] = await Promise.all([this.repo.readings(), this.repo.sessions()]);
      const data = understandingData(readings, sessions);
      // A change that leaves the rated sessions and topics as they were (an edit, a status, a hidden reading)
      // needs no training: the model is asked again, over the catalog as it is now.
      const trained = this.engine !== null && this.trainedKey === data.key;
      const engine = trained ? this.engine! : await this.model(data);
      this.trainedKey = null;
      const view = await understandingView(engine, data, readings, {
        trained,
        cancelled: () => this.cancelled,
        onStep: (step, steps) => {
          if (step % PROGRESS_EVERY === 0 || step === steps) this.post({ type: 'understanding-progress', step, steps });
        },
      });
      if (!view) {
        this.post({ type: 'understanding-progress', step: 0, steps: 0 });
        return;
      }
      this.trainedKey = data.key;
      this.post({ type: 'understanding', view });
    } catch (e) {
      this.post({ type: 'notice', kind: 'error', text: `Predicted understanding could not be computed: ${e instanceof Error ? e.message : String(e)}` });
    }
  }
}
