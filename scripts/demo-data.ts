/**
 * Generates the built-in demo (public/demo/demo.json) from the catalog in
 * scripts/demo-catalog.ts with a fixed seed: the readings, six weeks of a
 * demo learner who works through deep learning, transformers and recommender
 * systems in prerequisite order, and a path pack of simulated community
 * learners with other interests. Every simulated learner follows the same
 * behaviour: among the readings whose prerequisites they have finished, they
 * prefer their interests, short readings, and (strongly) a reading that builds
 * on the one they just finished or shares its topic. That last habit is
 * sequential: it is what a next-reading model can learn and what popularity or
 * a fixed prerequisite order cannot. The file is a standard backup, so the app
 * loads it through the same validated import as any other backup.
 *
 *   npm run demo:data            (writes public/demo/demo.json)
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { DEMO_CATALOG } from './demo-catalog';
import { Rng } from '../src/model/random';
import { BACKUP_FORMAT, BACKUP_VERSION, type Backup } from '../src/data/backup';
import type { Reading, ReviewRecord, StudySession } from '../src/data/types';
import { finishingReview } from '../src/data/reviewLog';
import { cardOf } from '../src/recommend/reviews';

export const DEMO_SEED = 20261001;
const START = Date.UTC(2026, 9, 1); // 1 October 2026
const DAYS = 42;
const INTERESTS = ['deep learning', 'transformers', 'attention', 'recommender systems', 'sequences', 'optimization', 'learning science'];
/** Simulated community learners in the demo's path pack. */
export const COMMUNITY_LEARNERS = 400;

/**
 * One simulated learner's choice among the open readings (prerequisites
 * finished): interests, shorter readings, and momentum from the last reading.
 */
export function chooseReading(open: Reading[], last: Reading | null, interests: Set<string>, rng: Rng): Reading {
  const weight = open.map((r) => {
    let w = (1 + 3 * r.topics.filter((t) => interests.has(t)).length) / Math.sqrt(r.minutes);
    if (last && r.prerequisites.includes(last.id)) w *= 8;
    else if (last && r.topics.some((t) => last.topics.includes(t))) w *= 2.5;
    return w;
  });
  let x = rng.next() * weight.reduce((a, b) => a + b, 0);
  for (let i = 0; i < open.length; i++) if ((x -= weight[i]) <= 0) return open[i];
  return open[open.length - 1];
}

/** Community learners: each knows some foundations, has two or three interests, and reads 6 to 30 readings. */
function communitySequences(readings: Reading[], rng: Rng): string[][] {
  const topics = [...new Set(readings.flatMap((r) => r.topics))].sort();
  const roots = readings.filter((r) => r.prerequisites.length === 0);
  const out: string[][] = [];
  for (let u = 0; u < COMMUNITY_LEARNERS; u++) {
    const interests = new Set<string>();
    const want = 2 + rng.int(0, 2);
    while (interests.size < want) interests.add(topics[rng.int(0, topics.length)]);
    const finished = new Set(roots.filter(() => rng.next() < 0.6).map((r) => r.id));
    const seq: string[] = [];
    const length = 6 + rng.int(0, 25);
    let last: Reading | null = null;
    while (seq.length < length) {
      const open = readings.filter((r) => !finished.has(r.id) && r.minutes <= 400 && r.prerequisites.every((p) => finished.has(p)));
      if (open.length === 0) break;
      last = chooseReading(open, last, interests, rng);
      finished.add(last.id);
      seq.push(last.id);
    }
    if (seq.length >= 2) out.push(seq);
  }
  return out;
}

/** The demo (seed DEMO_SEED), or another simulated learner of the same story with another seed. */
export function demoBackup(seed = DEMO_SEED): Backup {
  const rng = new Rng(seed);
  const id = (key: string) => `demo-${key}`;
  const byKey = new Map(DEMO_CATALOG.map((e) => [e[0], e]));
  // Prerequisites must form a DAG: a depth-first walk finds any cycle.
  const state = new Map<string, 1 | 2>();
  const visit = (k: string, path: string[]) => {
    if (state.get(k) === 2) return;
    if (state.get(k) === 1) throw new Error(`demo catalog: prerequisite cycle ${[...path, k].join(' -> ')}`);
    state.set(k, 1);
    for (const p of byKey.get(k)![7]) {
      if (!byKey.has(p)) throw new Error(`demo catalog: ${k} needs unknown ${p}`);
      visit(p, [...path, k]);
    }
    state.set(k, 2);
  };
  for (const e of DEMO_CATALOG) visit(e[0], []);

  const readings: Reading[] = DEMO_CATALOG.map(([key, title, authors, year, topics, minutes, difficulty, prereq, url]) => ({
    id: id(key),
    title,
    url: url ?? null,
    authors,
    year,
    topics,
    minutes,
    difficulty,
    prerequisites: prereq.map(id),
    addedAt: new Date(START - rng.int(1, 60) * 86_400_000).toISOString(),
    status: 'unread',
    source: 'demo',
    progress: null,
    doi: null,
  }));
  const reading = new Map(readings.map((r) => [r.id, r]));

  // The demo learner: reads what is unlocked (all prerequisites finished),
  // prefers their interests and short readings, studies most days.
  const done = new Map<string, number>(); // active minutes so far
  const finished = new Set<string>();
  const sessions: StudySession[] = [];
  let current: string | null = null;
  const interests = new Set(INTERESTS);
  let last: Reading | null = null;
  const pick = (): string | null => {
    const open = readings.filter((r) => !finished.has(r.id) && r.minutes <= 240 && r.prerequisites.every((p) => finished.has(p)));
    if (open.length === 0) return null;
    last = chooseReading(open, last, interests, rng);
    return last.id;
  };
  // Start from the foundations the learner already knows.
  for (const k of [
    'nielsen-nndl',
    'blitzstein-prob',
    'strang-la',
    'islr',
    'ricci-handbook',
    'mitchell-ml',
    'clrs',
    'deisenroth-mml',
    'goodfellow-dl',
    'jurafsky-slp',
    'sutton-barto',
    'patterson-hennessy',
    'kirk-hwu',
    'boyd-cvx',
    'wasserman-stats',
    'manning-ir',
    'bishop-prml',
    'aggarwal-recsys',
    'brown-make-it-stick',
    'ebbinghaus-memory',
  ]) {
    finished.add(id(k));
  }
  for (let day = 0; day < DAYS; day++) {
    if (rng.next() < 0.25) continue; // a day off
    const count = rng.next() < 0.35 ? 2 : 1;
    for (let s = 0; s < count; s++) {
      current ??= pick();
      if (!current) break;
      const r = reading.get(current)!;
      const hour = s === 0 ? 7 + rng.int(0, 3) : 18 + rng.int(0, 4);
      const start = START + day * 86_400_000 + hour * 3_600_000 + rng.int(0, 60) * 60_000;
      const focus = Math.min(5, Math.max(1, Math.round(3.4 + rng.normal() * 0.9 - (hour >= 20 ? 0.6 : 0))));
      const interruptions = Math.max(0, Math.round((5 - focus) * rng.next() * 1.5));
      const remaining = r.minutes - (done.get(r.id) ?? 0);
      const active = Math.max(10, Math.min(remaining, 20 + rng.int(0, 45)));
      const wall = active + interruptions * rng.int(2, 8);
      done.set(r.id, (done.get(r.id) ?? 0) + active);
      const complete = (done.get(r.id) ?? 0) >= r.minutes;
      const practice = sessions.filter((x) => reading.get(x.readingId)!.topics[0] === r.topics[0]).length;
      const understanding = complete ? understandingAfter(practice, focus, r.difficulty, rng.normal()) : null;
      sessions.push({
        id: `demo-s${sessions.length + 1}`,
        readingId: r.id,
        start: new Date(start).toISOString(),
        end: new Date(start + wall * 60_000).toISOString(),
        activeMinutes: active,
        focus,
        interruptions,
        understanding,
        quizScore: complete && rng.next() < 0.3 ? Math.min(100, Math.max(0, Math.round((understanding ?? 60) + rng.normal() * 4))) : null,
        notes: '',
        progressAt: null,
      });
      if (complete) {
        finished.add(r.id);
        current = null;
      }
    }
  }
  for (const r of readings) {
    // Foundations known before the app count as finished, with no sessions.
    if (finished.has(r.id)) r.status = 'finished';
    else if (sessions.some((s) => s.readingId === r.id)) r.status = 'reading';
  }
  const reviews = demoReviews(sessions, finished, new Rng(seed + 2));
  rateUnfinished(sessions, reading, new Rng(seed + 3)); // after the review log: only finishing sessions rate reviews
  const community = communitySequences(readings, new Rng(seed + 1));
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    exportedAt: new Date(START + DAYS * 86_400_000).toISOString(),
    readings,
    sessions,
    settings: { dailyBudgetMinutes: 60 },
    pathPacks: [{ id: 'demo-community', name: 'Community paths (simulated, demo)', importedAt: new Date(START).toISOString(), sequences: community }],
    reviews,
  };
}

/**
 * The demo learner also rates the sessions that do not finish a reading (its
 * own random stream, so that the rest of the demo stays as it was), by the
 * same story as the finishing ones (understandingAfter): practice on a topic
 * raises understanding. That is what knowledge tracing (issue 18) can learn
 * and a running success rate cannot.
 */
function rateUnfinished(sessions: StudySession[], reading: Map<string, Reading>, rng: Rng): void {
  const practice = new Map<string, number>();
  for (const s of sessions) {
    const r = reading.get(s.readingId)!;
    const topic = r.topics[0];
    const n = practice.get(topic) ?? 0;
    practice.set(topic, n + 1);
    if (s.understanding === null) s.understanding = understandingAfter(n, s.focus, r.difficulty, rng.normal());
  }
}

/**
 * The demo learner's understanding of a session (0..100): it grows with the sessions they have had on the
 * reading's first topic (saturating), with focus, and with an easy reading; `noise` is a standard normal draw.
 */
function understandingAfter(practice: number, focus: number, difficulty: number, noise: number): number {
  const mastery = 1 - Math.exp(-practice / 2);
  return Math.min(100, Math.max(5, Math.round(30 + 50 * mastery + 6 * (focus - 3) - 4 * (difficulty - 3) + noise * 5)));
}

/**
 * The demo learner's review log: finishing a reading in the app is its first
 * review (rated from that session's understanding); after that they review it
 * each time FSRS says it is due, on that day or the next, until the demo's
 * last day, rating it mostly Good. Foundations known before the app have no
 * log: they are not review cards.
 */
function demoReviews(sessions: StudySession[], finished: Set<string>, rng: Rng): ReviewRecord[] {
  const end = START + DAYS * 86_400_000;
  const out: ReviewRecord[] = [];
  for (const s of sessions) {
    if (s.understanding === null || !finished.has(s.readingId)) continue; // only the session that finished it rates it
    const log = [finishingReview(`demo-v${out.length + 1}`, s.readingId, s.end, s.understanding)];
    for (;;) {
      const due = cardOf(log)!.due.getTime();
      const at = Math.max(due, Date.parse(log[log.length - 1].at) + 86_400_000) + rng.int(0, 24) * 3_600_000;
      if (at >= end) break;
      const x = rng.next();
      const rating = x < 0.05 ? 1 : x < 0.2 ? 2 : x < 0.9 ? 3 : 4;
      log.push({ id: `demo-v${out.length + log.length + 1}`, readingId: s.readingId, at: new Date(at).toISOString(), rating, minutes: 5 });
    }
    out.push(...log);
  }
  return out;
}

export async function main(): Promise<void> {
  const b = demoBackup();
  mkdirSync('public/demo', { recursive: true });
  writeFileSync('public/demo/demo.json', JSON.stringify(b, null, 1) + '\n');
  const fin = b.readings.filter((r) => r.status === 'finished').length;
  const seqs = b.pathPacks[0].sequences;
  console.log(
    `public/demo/demo.json: ${b.readings.length} readings (${fin} finished in the history), ${b.sessions.length} sessions over ${DAYS} days, ${seqs.length} community sequences (${seqs.reduce((a, q) => a + q.length, 0)} readings)`,
  );
}
