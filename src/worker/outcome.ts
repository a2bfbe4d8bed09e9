/**
 * What the learner is told when a training run ends: a retrain that did not finish keeps the previous
 * model; a run that diverged or was cancelled goes back to its last checkpoint, or leaves no model.
 */
import type { TrainOutcome } from '../train/trainer';
import type { FromWorker } from './protocol';

type Notice = Extract<FromWorker, { type: 'notice' }>;

/** The notice for a retrain that ends without replacing the model (diverged, cancelled, or finished with no checkpoint). */
export function retrainNotice(out: TrainOutcome): Notice {
  return {
    type: 'notice',
    kind: out.status === 'diverged' ? 'error' : 'info',
    text:
      out.status === 'diverged'
        ? `Retraining stopped at step ${out.steps}: ${out.reason ?? 'it diverged'}. The previous model is kept.`
        : 'Retraining cancelled: the previous model is kept.',
  };
}

/** The notice for a run that did not finish (none when it did); `trained`: a model exists after it. */
export function runNotice(out: TrainOutcome, trained: boolean): Notice | null {
  if (out.status === 'diverged') return { type: 'notice', kind: 'error', text: out.message ?? 'Training diverged.' };
  if (out.status === 'cancelled')
    return {
      type: 'notice',
      kind: 'info',
      text: trained ? 'Training cancelled: the model keeps its last checkpoint.' : 'Training cancelled before the first checkpoint: no model yet.',
    };
  return null;
}

/** The WebGPU device was lost mid-run: the run goes on on the CPU. */
export const deviceLostNotice = (reason: string): Notice => ({
  type: 'notice',
  kind: 'error',
  text: `The GPU stopped working (${reason}). Training goes on on the CPU from the last checkpoint; it is slower.`,
});
