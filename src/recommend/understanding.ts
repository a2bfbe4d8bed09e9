/**
 * Predicted understanding (issue 18): the knowledge-tracing model trained on
 * the learner's rated sessions before the held-out block, checked against
 * their running success rate on it (eval/understandingGate.ts), and, only when
 * it passes, asked for each upcoming reading's chance of being understood, a
 * "prepare first with …" where a weak or unfinished prerequisite explains a
 * low one, and each topic's mastery over time.
 *
 * Cold start: path packs carry no outcomes, so nothing is predicted before
 * the learner has rated enough sessions for the check (4 × MIN_HELD_OUT).
 * Until then the path orders by prerequisites and difficulty (the starting
 * suggestion, then the recommender), and the model's own start is a prior
 * that attends to earlier attempts at the same topic (skillMatchingInit).
 */
import type { Reading } from '../data/types';
import { heldOutCount, MIN_HELD_OUT, understandingCheck, type UnderstandingCheck } from '../eval/understandingGate';
import type { KtTrainable } from '../train/ktTrainer';
import { readingSkills, type UnderstandingData } from '../train/understandingData';
import { predictUnderstanding, trainUnderstanding } from '../train/understandingModel';

/** A predicted chance of understanding below this is low: the plan looks for a prerequisite to prepare with. */
export const LOW_UNDERSTANDING = 0.5;
/** Topics in the mastery chart: the learner's most studied. */
export const MASTERY_TOPICS = 5;
/** Points in the mastery chart: the days with rated sessions, newest. */
const MASTERY_DAYS = 30;

export interface PrepareFirst {
  /** The prerequisite to prepare with. */
  readingId: string;
  /** 'unfinished': not finished yet; 'weak': finished, but its predicted understanding is low or its last session was not understood. */
  because: 'unfinished' | 'weak';
}

export interface MasteryChart {
  topics: string[];
  /** One point per day with rated sessions, oldest first: the chance of understanding each topic after that day. */
  points: { day: string; values: number[] }[];
}

export interface UnderstandingView {
  /** Sessions with an outcome (understanding or quiz). */
  rated: number;
  check: UnderstandingCheck;
  /** The rest only when the check passed: reading id → chance of understanding it (unread and reading ones). */
  readiness: Record<string, number>;
  prepare: Record<string, PrepareFirst>;
  mastery: MasteryChart | null;
}

export interface ViewOptions {
  /** The engine was trained on this very data already (by an earlier call): predict only. */
  trained?: boolean;
  cancelled?: () => boolean;
  onStep?: (step: number, steps: number) => void;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Trains `engine` (fresh, unless `trained`) on `data` and builds the view; null when cancelled. */
export async function understandingView(
  engine: KtTrainable,
  data: UnderstandingData,
  readings: Reading[],
  o: ViewOptions = {},
): Promise<UnderstandingView | null> {
  const n = data.attempts.length;
  const held = heldOutCount(n);
  const none = { readiness: {}, prepare: {}, mastery: null };
  if (held < MIN_HELD_OUT) return { rated: n, check: { heldOut: held, modelError: null, baselineError: null, verdict: 'too-few' }, ...none };
  const end = n - held;
  if (!o.trained && (await trainUnderstanding(engine, data, { end, cancelled: o.cancelled, onStep: o.onStep })) === 'cancelled') return null;
  const probs = await predictUnderstanding(
    engine,
    data,
    data.attempts.slice(end).map((a, i) => ({ end: end + i, skill: a.skill })),
  );
  const check = understandingCheck(data.attempts, probs);
  if (check.verdict !== 'passed') return { rated: n, check, ...none };

  const K = data.topics.length;
  const now = await predictUnderstanding(
    engine,
    data,
    Array.from({ length: K }, (_, k) => ({ end: n, skill: k + 1 })),
  );
  const chance = (r: Reading) => mean(readingSkills(data, r).map((s) => now[s - 1]));
  const byId = new Map(readings.map((r) => [r.id, r]));
  const lastUnderstood = new Map(data.attempts.map((a) => [a.readingId, a.understood]));
  const readiness: Record<string, number> = {};
  const prepare: Record<string, PrepareFirst> = {};
  for (const r of readings) {
    if (r.status !== 'unread' && r.status !== 'reading') continue;
    readiness[r.id] = chance(r);
    if (readiness[r.id] >= LOW_UNDERSTANDING) continue;
    const p = prepareWith(r, byId, chance, lastUnderstood);
    if (p) prepare[r.id] = p;
  }
  return { rated: n, check, readiness, prepare, mastery: await masteryChart(engine, data) };
}

/**
 * The prerequisite that best explains a low prediction: an unfinished one first, else the finished one
 * with the lowest chance that is weak (its chance below LOW_UNDERSTANDING, or its last session not understood).
 */
export function prepareWith(r: Reading, byId: Map<string, Reading>, chance: (r: Reading) => number, lastUnderstood: Map<string, 0 | 1>): PrepareFirst | null {
  const byChance = (a: Reading, b: Reading) => chance(a) - chance(b) || (a.id < b.id ? -1 : 1);
  const prereqs = r.prerequisites.map((id) => byId.get(id)).filter((p): p is Reading => p !== undefined && p.status !== 'hidden');
  const unfinished = prereqs.filter((p) => p.status !== 'finished').sort(byChance);
  if (unfinished.length > 0) return { readingId: unfinished[0].id, because: 'unfinished' };
  const weak = prereqs.filter((p) => chance(p) < LOW_UNDERSTANDING || lastUnderstood.get(p.id) === 0).sort(byChance);
  return weak.length > 0 ? { readingId: weak[0].id, because: 'weak' } : null;
}

/** Each of the learner's most studied topics, after each of their last MASTERY_DAYS days with rated sessions. */
async function masteryChart(engine: KtTrainable, data: UnderstandingData): Promise<MasteryChart> {
  const count = new Map<number, number>();
  for (const a of data.attempts) count.set(a.skill, (count.get(a.skill) ?? 0) + 1);
  const skills = [...count]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, MASTERY_TOPICS)
    .map(([s]) => s);
  // The end of each day: the number of attempts up to and including that day's last.
  const ends: { day: string; end: number }[] = [];
  data.attempts.forEach((a, i) => {
    const day = a.at.slice(0, 10);
    if (ends.length > 0 && ends[ends.length - 1].day === day) ends[ends.length - 1].end = i + 1;
    else ends.push({ day, end: i + 1 });
  });
  const days = ends.slice(-MASTERY_DAYS);
  const p = await predictUnderstanding(
    engine,
    data,
    days.flatMap((d) => skills.map((skill) => ({ end: d.end, skill }))),
  );
  return {
    topics: skills.map((s) => data.topics[s - 1]),
    points: days.map((d, i) => ({ day: d.day, values: skills.map((_, k) => p[i * skills.length + k]) })),
  };
}
