/** Issue 18: a session's outcome for knowledge tracing (a quiz score first, else the self-rating). */
import { describe, expect, it } from 'vitest';
import { sessionOutcome, UNDERSTOOD_AT } from '../../src/data/outcomes';

describe('sessionOutcome', () => {
  it('prefers the quiz score, falls back to the self-rating, and has none without either', () => {
    expect(sessionOutcome({ quizScore: 40, understanding: 90 })).toEqual({ score: 40, source: 'quiz', understood: false });
    expect(sessionOutcome({ quizScore: null, understanding: 90 })).toEqual({ score: 90, source: 'self-rated', understood: true });
    expect(sessionOutcome({ quizScore: null, understanding: null })).toBeNull();
  });
  it(`counts ${UNDERSTOOD_AT} and above as understood`, () => {
    expect(sessionOutcome({ quizScore: UNDERSTOOD_AT, understanding: null })!.understood).toBe(true);
    expect(sessionOutcome({ quizScore: UNDERSTOOD_AT - 1, understanding: null })!.understood).toBe(false);
    expect(sessionOutcome({ quizScore: null, understanding: 0 })).toEqual({ score: 0, source: 'self-rated', understood: false });
    expect(sessionOutcome({ quizScore: 100, understanding: null })!.understood).toBe(true);
  });
  it('ignores a score that is not a number in 0..100 (an old or hand-edited record)', () => {
    expect(sessionOutcome({ quizScore: NaN, understanding: 70 })).toEqual({ score: 70, source: 'self-rated', understood: true });
    expect(sessionOutcome({ quizScore: 140, understanding: null })).toBeNull();
    expect(sessionOutcome({ quizScore: -1, understanding: -5 })).toBeNull();
  });
});
