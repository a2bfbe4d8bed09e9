/**
 * A study session's outcome for knowledge tracing (issue 18): how well the
 * learner understood the reading, from a quiz score when there is one (it is
 * measured, not felt) and from the self-rated understanding otherwise. Both
 * are 0..100; a session with neither has no outcome and is not an attempt.
 */
import type { StudySession } from './types';

/** An outcome at or above this (0..100) counts as understood: the knowledge-tracing model's "right answer". */
export const UNDERSTOOD_AT = 60;

export interface SessionOutcome {
  /** 0..100. */
  score: number;
  /** Where the score came from. */
  source: 'quiz' | 'self-rated';
  understood: boolean;
}

export function sessionOutcome(s: Pick<StudySession, 'quizScore' | 'understanding'>): SessionOutcome | null {
  const valid = (x: number | null): x is number => x !== null && Number.isFinite(x) && x >= 0 && x <= 100;
  if (valid(s.quizScore)) return { score: s.quizScore, source: 'quiz', understood: s.quizScore >= UNDERSTOOD_AT };
  if (valid(s.understanding)) return { score: s.understanding, source: 'self-rated', understood: s.understanding >= UNDERSTOOD_AT };
  return null;
}
