/**
 * What next and why, from the learner's current model: the ten best readings
 * that may come next with their probability and "because" (final-layer
 * attention as percentages), the attention maps over the history, and a
 * timed learning path. The worker's service sends the results to the page.
 */
import type { Reading } from '../data/types';
import type { ModelBackend } from '../train/backend';
import { withNeutralTail, type TrainingData } from '../train/learnerData';
import { explain, lastPositionWeights } from './explain';
import { mayComeNext, planPath } from './path';

export interface Because {
  /** A reading id, or '' for "everything else" (the rest of the history). */
  readingId: string;
  percent: number;
  /** True when the reading is an earlier step of the planned path, not a past session. */
  planned?: boolean;
}

export interface Recommendation {
  readingId: string;
  /** The model's raw score (a logit), for ordering and tests; the learner's view never shows it. */
  score: number;
  /** Share of the softmax over every reading that may come next, 0..1. */
  probability: number;
  /** Final-layer attention (averaged over heads) from this reading's position back over the history; sums to 100. */
  because: Because[];
}

export interface AttentionMaps {
  /** Reading id of each position, oldest first. */
  history: string[];
  heads: number;
  /** [layer][head] a (len x len) row-major matrix; row = query position. */
  weights: number[][][];
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

/** Readings explained per recommendation, before "everything else". */
const TOP_BECAUSE = 3;

/** Readings that may come next as new (mayComeNext): unread or being read, prerequisites finished. Finished ones come back as reviews (reviews.ts). */
function candidates(data: TrainingData): Reading[] {
  const { readings } = data;
  const byId = new Map(readings.map((r) => [r.id, r]));
  const done = (id: string) => byId.get(id)?.status === 'finished' || !byId.has(id);
  return readings.filter((r) => mayComeNext(r, done));
}

/** Final-layer attention of the last position over the window before it, as "because" percentages. */
async function because(data: TrainingData, backend: ModelBackend, items: number[], features: Float32Array, plannedFrom: number): Promise<Because[]> {
  const { cfg, vocab } = data;
  const T = cfg.maxlen;
  const att = await backend.attention(items, features);
  const len = Math.min(T, items.length);
  const w = lastPositionWeights(att[att.length - 1], cfg.heads, T, len).slice(0, len - 1);
  const windowStart = items.length - len;
  const ids = items.slice(windowStart, items.length - 1).map((id) => vocab.readingOf[id]);
  const all = explain(w, ids, Infinity, 0);
  const top = all.slice(0, TOP_BECAUSE).filter((c) => c.percent > 0);
  const rest = 100 - top.reduce((a, c) => a + c.percent, 0);
  // "(planned)" only for a reading that is an earlier step of this path and was never studied: one studied
  // before (a review, or a reading being continued) weighs as a past session. The last item is the one
  // explained, not part of its "because".
  const studied = new Set(items.slice(0, plannedFrom).map((id) => vocab.readingOf[id]));
  const plannedIds = new Set(
    items
      .slice(plannedFrom, items.length - 1)
      .map((id) => vocab.readingOf[id])
      .filter((id) => !studied.has(id)),
  );
  const out: Because[] = top.map((c) => ({ readingId: c.readingId, percent: c.percent, ...(plannedIds.has(c.readingId) ? { planned: true } : {}) }));
  if (rest > 0 && top.length > 0) out.push({ readingId: '', percent: rest });
  return out;
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
  const recommendations: Recommendation[] = [];
  for (const { r, s } of scored.slice(0, 10)) {
    const seq = [...items, vocab.idOf.get(r.id)!];
    const why = items.length > 0 ? await because(data, backend, seq, withNeutralTail(features, seq, data.minutes), items.length) : [];
    recommendations.push({ readingId: r.id, score: s, probability: Math.exp(s - max) / z, because: why });
  }
  const T = cfg.maxlen;
  const len = Math.min(T, items.length);
  const attention: AttentionMaps = { history: items.slice(items.length - len).map((id) => vocab.readingOf[id]), heads: cfg.heads, weights: [] };
  if (len > 0) {
    const att = await backend.attention(items, features);
    attention.weights = att.map((layer) =>
      Array.from({ length: cfg.heads }, (_, h) => {
        const m: number[] = [];
        for (let q = T - len; q < T; q++) for (let k = T - len; k < T; k++) m.push(layer[(h * T + q) * T + k]);
        return m;
      }),
    );
  }
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
  const steps: PlannedStep[] = [];
  const seq = [...items];
  for (const p of path) {
    seq.push(vocab.idOf.get(p.readingId)!);
    const why = seq.length > 1 ? await because(data, backend, seq, withNeutralTail(features, seq, itemMinutes), items.length) : [];
    steps.push({ ...p, because: why });
  }
  return steps;
}
