/** What the page says of predicted understanding (issue 18): the check, a step's prediction, "prepare first with …". */
import { MIN_HELD_OUT } from '../../eval/understandingGate';
import { UNDERSTOOD_AT } from '../../data/outcomes';
import type { PrepareFirst, UnderstandingView } from '../../worker/protocol';

export const percent = (p: number): string => `${Math.round(p * 100)} %`;

const error = (x: number | null) => (x === null ? '–' : x.toFixed(2));

/** Why predictions are shown or not, with the count of held-out sessions and both errors. */
export function checkText(v: UnderstandingView): string {
  const { heldOut, modelError, baselineError, verdict } = v.check;
  const errors = `mean squared error ${error(modelError)} against ${error(baselineError)}; lower is better`;
  switch (verdict) {
    case 'passed':
      return `Checked on your ${heldOut} newest rated sessions, each predicted from the ones before it: closer to how they went than your running success rate, by more than chance would give (${errors}).`;
    case 'not-better':
      return `Too little evidence yet: on your ${heldOut} newest rated sessions the model was not clearly closer to how they went than your running success rate (${errors}), so it predicts nothing.`;
    case 'too-few':
      return `Too little evidence yet: predictions are shown once the model beats your running success rate on ${MIN_HELD_OUT} held-out rated sessions, which takes ${4 * MIN_HELD_OUT} rated sessions (you have ${v.rated}). Rate your understanding when a session ends, or enter a quiz score.`;
  }
}

/** "72 % likely to understand it well": the chance of an understanding (or quiz score) of UNDERSTOOD_AT or more. */
export const chanceText = (p: number): string => `${percent(p)} likely to understand it well (${UNDERSTOOD_AT} or more)`;

export function prepareText(p: PrepareFirst, title: string): string {
  return `Prepare first with “${title}”: ${p.because === 'unfinished' ? 'it is not finished yet' : 'your understanding of it looks weak'}.`;
}
