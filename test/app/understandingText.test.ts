/** Issue 18: what the page says of the understanding check, a step's chance, and "prepare first with …". */
import { describe, expect, it } from 'vitest';
import { chanceText, checkText, prepareText } from '../../src/app/learn/understandingText';
import type { UnderstandingView } from '../../src/worker/protocol';

const view = (check: UnderstandingView['check'], rated = 44): UnderstandingView => ({ rated, check, readiness: {}, prepare: {}, mastery: null });

describe('understanding texts', () => {
  it('gives the count and both errors, whatever the verdict', () => {
    expect(checkText(view({ heldOut: 11, modelError: 0.0443, baselineError: 0.1642, verdict: 'passed' }))).toBe(
      'Checked on your 11 newest rated sessions, each predicted from the ones before it: closer to how they went than your running success rate, by more than chance would give (mean squared error 0.04 against 0.16; lower is better).',
    );
    expect(checkText(view({ heldOut: 12, modelError: 0.2, baselineError: 0.19, verdict: 'not-better' }))).toMatch(
      /^Too little evidence yet: on your 12 newest rated sessions the model was not clearly closer .* \(mean squared error 0\.20 against 0\.19; lower is better\), so it predicts nothing\.$/,
    );
    expect(checkText(view({ heldOut: 3, modelError: null, baselineError: null, verdict: 'too-few' }, 13))).toMatch(
      /^Too little evidence yet: .* on 10 held-out rated sessions, which takes 40 rated sessions \(you have 13\)\./,
    );
  });
  it('a chance as a whole percent, and why to prepare first', () => {
    expect(chanceText(0.724)).toBe('72 % likely to understand it well (60 or more)');
    expect(prepareText({ readingId: 'a', because: 'unfinished' }, 'Axler')).toBe('Prepare first with “Axler”: it is not finished yet.');
    expect(prepareText({ readingId: 'a', because: 'weak' }, 'Strang')).toBe('Prepare first with “Strang”: your understanding of it looks weak.');
  });
});
