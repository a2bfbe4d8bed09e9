/**
 * The learner's history as knowledge-tracing data (issue 18): each session
 * with an outcome (data/outcomes.ts) is an attempt at its reading's skill.
 * A skill is a topic: a reading's skill is its first topic (the model takes
 * one skill per attempt, and a session's outcome must not be visible to
 * another attempt of the same session), while its prediction averages all
 * its topics (recommend/understanding.ts). Readings without topics share
 * the skill UNTAGGED.
 */
import { sessionOutcome } from '../data/outcomes';
import type { Reading, StudySession } from '../data/types';
import { interactionId, type KtWindow } from '../model/ktBatch';
import { Rng } from '../model/random';
import { shuffled } from './sampling';

export const UNTAGGED = '(no topic)';

export interface Attempt {
  sessionId: string;
  readingId: string;
  /** ISO 8601: the session's end. */
  at: string;
  /** 1..skills. */
  skill: number;
  /** 1 when the outcome reached UNDERSTOOD_AT. */
  understood: 0 | 1;
  /** 0..100. */
  score: number;
}

export interface UnderstandingData {
  /** Skill k (1..K) is topics[k - 1]: every topic in the catalog, sorted, then UNTAGGED. */
  topics: string[];
  skillOf: Map<string, number>;
  /** The learner's attempts, oldest first. */
  attempts: Attempt[];
  /** Changes when an attempt or the topic vocabulary changes (the model is trained again). */
  key: string;
}

const topicsOf = (r: Reading | undefined): string[] => (r && r.topics.length > 0 ? r.topics : [UNTAGGED]);

export function understandingData(readings: Reading[], sessions: StudySession[]): UnderstandingData {
  const topics = [...new Set(readings.flatMap((r) => r.topics).filter((t) => t !== UNTAGGED))].sort();
  topics.push(UNTAGGED);
  const skillOf = new Map(topics.map((t, i) => [t, i + 1]));
  const byId = new Map(readings.map((r) => [r.id, r]));
  const attempts: Attempt[] = [];
  for (const s of [...sessions].sort((a, b) => (a.end < b.end ? -1 : a.end > b.end ? 1 : a.id < b.id ? -1 : 1))) {
    const o = sessionOutcome(s);
    if (!o) continue;
    const skill = skillOf.get(topicsOf(byId.get(s.readingId))[0])!;
    attempts.push({ sessionId: s.id, readingId: s.readingId, at: s.end, skill, understood: o.understood ? 1 : 0, score: o.score });
  }
  const key = `${topics.join('|')}#${attempts.map((a) => `${a.sessionId}:${a.skill}:${a.understood}`).join(',')}`;
  return { topics, skillOf, attempts, key };
}

/** A reading's skills: one per topic (UNTAGGED for none). */
export function readingSkills(data: UnderstandingData, r: Reading): number[] {
  return topicsOf(r).map((t) => data.skillOf.get(t) ?? data.skillOf.get(UNTAGGED)!);
}

const K = (data: UnderstandingData) => data.topics.length;

/**
 * Training windows over attempts [0, end): `count` random runs of consecutive attempts, each up to `maxlen`
 * long and at least two, drawn with `rng`. Each run sees the attempt before it as its first key, and scores
 * every attempt but a learner's very first.
 */
export function trainingWindows(data: UnderstandingData, end: number, maxlen: number, count: number, rng: Rng, shuffleSkills = false): KtWindow[] {
  if (end < 2) return [];
  const out: KtWindow[] = [];
  for (let i = 0; i < count; i++) {
    const stop = 2 + rng.int(0, end - 1); // 2..end
    const start = Math.max(0, stop - maxlen);
    out.push(window(data, start, stop, start === 0 ? 1 : 0, shuffleSkills ? permutation(K(data), rng) : null));
  }
  return out;
}

/** A random relabelling of skills 1..k (index 0 stays 0). */
const permutation = (k: number, rng: Rng): Int32Array => Int32Array.from([0, ...shuffled(k, rng).map((i) => i + 1)]);

function window(data: UnderstandingData, start: number, stop: number, scoreFrom: number, relabel: Int32Array | null = null): KtWindow {
  const a = data.attempts.slice(start, stop);
  const before = start > 0 ? data.attempts[start - 1] : null;
  const skill = (s: number) => (relabel ? relabel[s] : s);
  return {
    skills: a.map((x) => skill(x.skill)),
    correct: a.map((x) => x.understood),
    prev: before ? interactionId(skill(before.skill), before.understood, K(data)) : 0,
    scoreFrom,
  };
}

/**
 * The window that asks for `skill` after attempts [0, end): the last maxlen - 1 of them, then the query. Its
 * last position holds the prediction (its outcome is a placeholder and never read).
 */
export function queryWindow(data: UnderstandingData, end: number, skill: number, maxlen: number): KtWindow {
  const start = Math.max(0, end - (maxlen - 1));
  const w = window(data, start, end, 0);
  return { skills: [...Array.from(w.skills), skill], correct: [...Array.from(w.correct), 0], prev: w.prev, scoreFrom: end - start };
}
