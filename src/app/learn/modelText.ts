/**
 * What the model panel says, in words that are true in every state: a run's progress (running, paused,
 * finished, stopped at its time limit, cancelled, diverged, or ended by an error) and the model's
 * validation (a figure only with enough held-out events, always with its count, interval and baseline).
 */
import { MIN_EVALUATED, type RankerScore, type ValidationReport } from '../../eval/validation';
import type { TrainProgress } from '../../train/trainer';

const loss = (p: TrainProgress) => (Number.isFinite(p.loss) ? p.loss.toFixed(3) : '–');

/** The progress line; `running`/`paused`: the model's state says a run is on (or parked). */
export function progressText(p: TrainProgress, running: boolean, paused: boolean): string {
  const what = p.phase === 'updating' ? 'Update' : 'Training';
  const where = `epoch ${p.epoch} of ${p.epochs}, step ${p.step} of ${p.steps}`;
  if (paused) return `${what} paused in ${where}; loss ${loss(p)}.`;
  if (running && p.ended === undefined) return `${what}: ${where}, loss ${loss(p)}`;
  switch (p.ended) {
    case 'epochs':
      return `${what} finished: all ${p.epochs} epoch${p.epochs === 1 ? '' : 's'}, ${p.step} steps, loss ${loss(p)}.`;
    case 'budget':
      return `${what} used its time limit: stopped in ${where}, loss ${loss(p)}.`;
    case 'cancelled':
      return `${what} cancelled in ${where}.`;
    case 'diverged':
      return `${what} stopped at step ${p.step}: a number was not finite (see the notice).`;
    default:
      return `${what} stopped in ${where}.`;
  }
}

/** True when the bar may show full: the run ended normally (all epochs, or its time limit). */
export const ranToEnd = (p: TrainProgress): boolean => p.ended === 'epochs' || p.ended === 'budget';

const pct = (x: number) => `${Math.round(x * 100)} %`;
const figure = (s: RankerScore, n: number) => `${s.hits} of ${n} (${pct(s.hr10)}, 95 % interval ${pct(s.low)}–${pct(s.high)})`;

/** The validation sentence: a figure from MIN_EVALUATED held-out events on, else "too little history". */
export function validationText(v: ValidationReport | null): string {
  const n = v?.cases ?? 0;
  if (!v || !v.measurable) return `Accuracy: too little history to measure yet (${n} held-out event${n === 1 ? '' : 's'}; ${MIN_EVALUATED} needed).`;
  const whose =
    v.packCases === 0 ? 'all yours' : v.learnerCases === 0 ? 'all from the path pack' : `${v.learnerCases} yours, ${v.packCases} from the path pack`;
  return (
    `Accuracy on ${n} held-out events (${whose}): the reading that came next was in its top 10 for ${figure(v.model, n)}; ` +
    `the most-read readings instead: ${figure(v.popularity, n)}.`
  );
}
