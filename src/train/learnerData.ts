/**
 * The trainer's view of the learner's data: a vocabulary that keeps every
 * item id a checkpoint knows (new readings are appended, deleted ones leave a
 * hole), the model configuration sized with room for new readings, the
 * learner's own events with their study outcomes as features, the path packs
 * as other learners' sequences, and the training rows and batches built from
 * them. The learner's newest events are held out: they stay in the history the
 * model reads, but carry no loss, and validation ranks them.
 */
import type { PathPack, Reading, StudySession } from '../data/types';
import { compareDates } from '../data/dates';
import type { Batch, ItemContent } from '../model/batch';
import { APP_MODEL, makeConfig, type ModelConfig } from '../model/config';
import { EVENT_FEATURES, itemContent, learnerSequence, packSequences, type LearnerSequence, type Vocabulary } from './fromHistory';

/** The app's model (hyperparameters in model/config.ts) over `items` readings with the event features. */
function appModelConfig(items: number): ModelConfig {
  return makeConfig({ items, ...APP_MODEL, features: EVENT_FEATURES });
}

/** Item slots for a catalog of n readings: room for about a quarter more before a retrain is needed. */
function itemCapacity(n: number): number {
  return Math.max(64, Math.ceil(((n + 16) * 1.25) / 32) * 32);
}

/**
 * Keep every id of `previous` (a checkpoint's vocabulary) for readings still
 * in the catalog, blank the ids of deleted ones, and append new readings in
 * the order they were added. Without `previous`, number by date added.
 */
export function extendVocabulary(readings: Reading[], previous?: string[]): Vocabulary {
  const present = new Set(readings.map((r) => r.id));
  const readingOf = previous ? previous.map((id, i) => (i > 0 && present.has(id) ? id : '')) : [''];
  const known = new Set(readingOf.filter((id) => id !== ''));
  const fresh = readings.filter((r) => !known.has(r.id)).sort((a, b) => compareDates(a.addedAt, b.addedAt) || a.id.localeCompare(b.id));
  for (const r of fresh) readingOf.push(r.id);
  const idOf = new Map<string, number>();
  readingOf.forEach((id, i) => {
    if (i > 0 && id !== '') idOf.set(id, i);
  });
  return { idOf, readingOf };
}

/** Features of an event whose outcome is unknown (another learner's, or a planned one): average focus and understanding. */
function neutralFeatures(minutes: number): number[] {
  return [0.6, 0.5, Math.log1p(Math.max(0, minutes)) / 5];
}

export interface TrainingData {
  vocab: Vocabulary;
  cfg: ModelConfig;
  content: ItemContent;
  readings: Reading[];
  learner: LearnerSequence;
  /** The learner's newest events held out for validation (no loss on them; see holdoutSize). */
  holdout: number;
  /** Other learners' sequences (item ids), from the path packs. */
  community: number[][];
  /** Estimated minutes of each item id (30 for empty slots). */
  minutes: Float32Array;
  /** Identifies the sessions trained on: a checkpoint with the same key needs no update. */
  dataKey: string;
}

/** Most of the learner's newest events validation holds out (eval/validation.ts). */
const LEARNER_HOLDOUT_MAX = 20;

/**
 * How many of the learner's newest events to hold out of the loss, for validation to rank each from the
 * events before it: up to LEARNER_HOLDOUT_MAX, never more than a quarter, so that the model still trains
 * on three quarters of a short history and on all but the newest 20 of a long one. The newest events are
 * the ones that say how well the model follows the learner now; 20 alone are enough for a figure
 * (eval/validation.ts MIN_EVALUATED), and a path pack adds its learners' held-out events to them.
 */
function holdoutSize(events: number): number {
  return Math.min(LEARNER_HOLDOUT_MAX, Math.floor(events / 4));
}

function sessionsKey(sessions: StudySession[]): string {
  let h = 0x811c9dc5;
  const ids = sessions.map((s) => `${s.id}@${s.start}:${s.activeMinutes}:${s.focus}:${s.understanding}`).sort();
  for (const id of ids) for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return `${sessions.length}:${h.toString(16)}`;
}

/**
 * Everything the trainer needs. `previous` is a checkpoint's vocabulary and
 * item capacity; when the catalog has outgrown it, the result has a larger
 * config (and the caller must train afresh).
 */
export function trainingData(
  readings: Reading[],
  sessions: StudySession[],
  packs: PathPack[],
  previous?: { readingOf: string[]; items: number },
): TrainingData {
  let vocab = extendVocabulary(readings, previous?.readingOf);
  let items = previous?.items ?? itemCapacity(readings.length);
  if (vocab.readingOf.length - 1 > items) {
    vocab = extendVocabulary(readings);
    items = itemCapacity(readings.length);
  }
  const cfg = appModelConfig(items);
  // Pad the vocabulary's item table out to the capacity: empty slots have no content.
  const padded: Vocabulary = { idOf: vocab.idOf, readingOf: [...vocab.readingOf, ...new Array<string>(items + 1 - vocab.readingOf.length).fill('')] };
  const content = itemContent(readings, padded, APP_MODEL.contentBuckets);
  const learner = learnerSequence(sessions, vocab);
  const byId = new Map(readings.map((r) => [r.id, r.minutes]));
  const minutes = Float32Array.from(padded.readingOf, (id) => byId.get(id) ?? 30);
  return {
    vocab: padded,
    cfg,
    content,
    readings,
    learner,
    minutes,
    holdout: holdoutSize(learner.items.length),
    community: packSequences(packs, vocab),
    dataKey: sessionsKey(sessions),
  };
}

/** A training row: a sequence, its per-event features, and the first position whose target is held out. */
export interface Row {
  items: number[];
  features: Float32Array;
  /** Targets at index >= lossEnd carry no loss. */
  lossEnd: number;
}

/** Neutral features for each item of a sequence; `minutes` is indexed by item id. */
export function neutralSequenceFeatures(seq: number[], minutes: ArrayLike<number>): Float32Array {
  return withNeutralTail(new Float32Array(0), seq, minutes);
}

/**
 * Features for the learner's history followed by readings not yet studied
 * (candidates, planned steps): the first events keep the learner's own
 * features, the appended ones get neutral features.
 */
export function withNeutralTail(features: Float32Array, seq: number[], minutes: ArrayLike<number>): Float32Array {
  const F = EVENT_FEATURES;
  const out = new Float32Array(seq.length * F);
  const known = Math.min(Math.floor(features.length / F), seq.length);
  out.set(features.subarray(0, known * F));
  for (let i = known; i < seq.length; i++) out.set(neutralFeatures(minutes[seq[i]]), i * F);
  return out;
}

export function communityRow(seq: number[], minutes: ArrayLike<number>, lossEnd = seq.length): Row {
  return { items: seq, features: neutralSequenceFeatures(seq, minutes), lossEnd };
}

/**
 * The learner's own rows: windows of at most maxlen + 1 events ending at the
 * newest trainable target, then every maxlen / 2 events further back.
 */
export function learnerRows(l: LearnerSequence, holdout: number, maxlen: number): Row[] {
  const F = EVENT_FEATURES;
  const end = l.items.length - holdout; // targets l.items[1..end) carry a loss
  const rows: Row[] = [];
  for (let stop = end; stop >= 2; stop -= Math.max(1, maxlen >> 1)) {
    const start = Math.max(0, stop - maxlen - 1);
    rows.push({ items: l.items.slice(start, stop), features: l.features.slice(start * F, stop * F), lossEnd: stop - start });
    if (start === 0) break;
  }
  return rows;
}

/** One batch of B rows (fewer rows are padded with empty ones): every item is a softmax candidate. */
export function rowBatch(cfg: ModelConfig, rows: Row[], B: number): Batch {
  const T = cfg.maxlen;
  const F = cfg.features;
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const features = new Float32Array(B * T * F);
  rows.slice(0, B).forEach((row, b) => {
    const n = Math.min(row.items.length, row.lossEnd); // events past lossEnd are neither inputs nor targets
    if (n < 2) return;
    const len = Math.min(T, n - 1);
    const start = n - 1 - len;
    for (let k = 0; k < len; k++) {
      const t = b * T + T - len + k;
      const at = start + k;
      inputs[t] = row.items[at];
      targets[t] = row.items[at + 1];
      features.set(row.features.subarray(at * F, at * F + F), t * F);
    }
  });
  return { inputs, targets, negatives: new Int32Array(B * T), features };
}
