/**
 * What next and why, from the learner's current model: the ten best readings
 * that may come next with their probability and "because" (measured by
 * leave-one-out, recommend/effects.ts: the sessions whose removal would lower
 * the score most, and any whose removal would raise it), the attention rollout
 * over the history, and a timed learning path. The worker's service sends the
 * results to the page.
 */
import type { Reading } from '../data/types';
import type { ModelBackend } from '../train/backend';
import { withNeutralTail, type TrainingData } from '../train/learnerData';
import { explainByRemoval, type EffectExplanation } from './effects';
import { attentionRollout } from './explain';
import { mayComeNext, planPath } from './path';

/**
 * One reading in an explanation: its share (whole percent) of the total effect of the history on the
 * score. The raised ones come first (largest first), then the lowered ones; never the explained reading.
 */
export interface Because {
  readingId: string;
  percent: number;
  /** True when this reading's sessions lowered the score (removing them would raise it). */
  lowered?: boolean;
  /** True when the reading is an earlier step of the planned path, not a past session. */
  planned?: boolean;
}

export interface Recommendation {
  readingId: string;
  /** The model's raw score (a logit), for ordering and tests; the learner's view never shows it. */
  score: number;
  /** Share of the softmax over every reading that may come next, 0..1. */
  probability: number;
  /** What raised and lowered its score (leave-one-out); empty when nothing in the history moves it measurably. */
  because: Because[];
}

export interface AttentionMaps {
  /** Reading id of each position, oldest first. */
  history: string[];
  /** Attention rollout (recommend/explain.ts) over those positions, (len x len) row-major, row = query position; each row sums to 1. */
  rollout: number[];
}

export interface PlannedStep {
  readingId: string;
  minutes: number;
  cumulative: number;
  score: number;
  because: Because[];
}

/** The model scored a reading that may come next with NaN or an infinity: nothing it ranks can be trusted. */
export class NonFiniteScoresError extends Error {
  constructor(count: number) {
    super(`${count} of the readings that may come next have scores that are not numbers`);
    this.name = 'NonFiniteScoresError';
  }
}

/** Readings that may come next as new (mayComeNext): unread or being read, prerequisites finished. Finished ones come back as reviews (reviews.ts). */
function candidates(data: TrainingData): Reading[] {
  const { readings } = data;
  const byId = new Map(readings.map((r) => [r.id, r]));
  const done = (id: string) => byId.get(id)?.status === 'finished' || !byId.has(id);
  return readings.filter((r) => mayComeNext(r, done));
}

/** An explanation as the page gets it: raised first, then lowered; `planned`: readings first met as earlier steps of this path. */
function because(e: EffectExplanation | undefined, planned: Set<string> = new Set()): Because[] {
  if (!e) return [];
  const mark = (readingId: string) => (planned.has(readingId) ? { planned: true } : {});
  return [...e.raised.map((c) => ({ ...c, ...mark(c.readingId) })), ...e.lowered.map((c) => ({ ...c, lowered: true, ...mark(c.readingId) }))];
}

/** The ten best readings that may come next, and the attention maps over the learner's history; NonFiniteScoresError when a score is not a number. */
export async function recommendNext(data: TrainingData, backend: ModelBackend): Promise<{ recommendations: Recommendation[]; attention: AttentionMaps }> {
  const { vocab, cfg } = data;
  const { items, features } = data.learner;
  const scores = await backend.scores(items, features);
  const open = candidates(data);
  const scored = open.filter((r) => r.id !== '' && vocab.idOf.has(r.id)).map((r) => ({ r, s: scores[vocab.idOf.get(r.id)!] }));
  // A non-finite score is an error to show, never a reading silently left out (that read as "nothing to recommend").
  const bad = scored.filter((x) => !Number.isFinite(x.s)).length;
  if (bad > 0) throw new NonFiniteScoresError(bad);
  const max = Math.max(...scored.map((x) => x.s));
  const z = scored.reduce((a, x) => a + Math.exp(x.s - max), 0);
  scored.sort((a, b) => b.s - a.s || a.r.id.localeCompare(b.r.id));
  const top = scored.slice(0, 10);
  // One batched leave-one-out pass explains all ten (every removal of the history, scored once).
  const ids = top.map((x) => x.r.id);
  const why = await explainByRemoval(data, backend, ids);
  const recommendations: Recommendation[] = top.map(({ r, s }) => ({
    readingId: r.id,
    score: s,
    probability: Math.exp(s - max) / z,
    because: because(why.get(r.id)),
  }));
  const T = cfg.maxlen;
  const len = Math.min(T, items.length);
  const attention: AttentionMaps = { history: items.slice(items.length - len).map((id) => vocab.readingOf[id]), rollout: [] };
  if (len > 0) attention.rollout = attentionRollout(await backend.attention(items, features), cfg.heads, T, len);
  return { recommendations, attention };
}

/** A path of about `minutes` through the readings that may come next, each step with its "because". */
export async function planSteps(data: TrainingData, backend: ModelBackend, minutes: number, skip: string[]): Promise<PlannedStep[]> {
  const { vocab } = data;
  const { items, features } = data.learner;
  const itemMinutes = data.minutes;
  const path = await planPath({
    catalog: data.readings.filter((r) => vocab.idOf.has(r.id)),
    history: items.map((id) => vocab.readingOf[id]),
    minutes,
    skip: new Set(skip),
    score: async (ids) => {
      const seq = ids.map((id) => vocab.idOf.get(id)!);
      const s = await backend.scores(seq, withNeutralTail(features, seq, itemMinutes));
      return new Map([...vocab.idOf].map(([rid, id]) => [rid, s[id]]));
    },
  });
  // Each step explained from the path's sequence so far: the history, then the earlier steps (neutral features).
  const steps: PlannedStep[] = [];
  const seq = [...items];
  const studied = new Set(items.map((id) => vocab.readingOf[id]));
  const planned = new Set<string>();
  for (const p of path) {
    const why = await explainByRemoval(data, backend, [p.readingId], { items: seq, features: withNeutralTail(features, seq, itemMinutes) });
    steps.push({ ...p, because: because(why.get(p.readingId), planned) });
    seq.push(vocab.idOf.get(p.readingId)!);
    // "(planned)" only for a reading never studied: one studied before (a review, a continued reading) weighs as a past session.
    if (!studied.has(p.readingId)) planned.add(p.readingId);
  }
  return steps;
}
