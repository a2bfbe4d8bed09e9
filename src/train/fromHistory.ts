/**
 * From the learner's data to the model's inputs (groundwork for the trainer):
 * a stable item vocabulary over readings, hashed content tokens (title words
 * and topics) so that a reading never studied still has a vector, the
 * learner's sessions as a sequence of events with study outcomes as
 * features, and path packs as other learners' sequences.
 */
import type { ItemContent } from '../model/batch';
import type { PathPack, Reading, StudySession } from '../data/types';
import { compareDates } from '../data/dates';

export interface Vocabulary {
  /** Item id (1-based) of each reading. */
  idOf: Map<string, number>;
  /** Reading id of each item id (index 0 unused). */
  readingOf: string[];
}

/** Items numbered by the date the reading was added, then by id: adding a reading never renumbers older ones. */
export function buildVocabulary(readings: Reading[]): Vocabulary {
  const sorted = [...readings].sort((a, b) => compareDates(a.addedAt, b.addedAt) || a.id.localeCompare(b.id));
  const readingOf = ['', ...sorted.map((r) => r.id)];
  return { idOf: new Map(sorted.map((r, i) => [r.id, i + 1])), readingOf };
}

const STOP = new Set(['the', 'and', 'for', 'with', 'from', 'into', 'via', 'are', 'all', 'you', 'its', 'how', 'what', 'towards', 'using', 'introduction']);

/** 32-bit FNV-1a. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function contentTokens(r: Reading): string[] {
  const words = r.title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !STOP.has(w));
  return [...new Set([...words.map((w) => `w:${w}`), ...r.topics.map((t) => `t:${t.toLowerCase()}`)])];
}

/** Every item's hashed content tokens in CSR form (the engine's ItemContent). */
export function itemContent(readings: Reading[], vocab: Vocabulary, buckets: number): ItemContent {
  const byId = new Map(readings.map((r) => [r.id, r]));
  const items = vocab.readingOf.length - 1;
  const offsets = new Int32Array(items + 2);
  const tokens: number[] = [];
  for (let i = 1; i <= items; i++) {
    offsets[i] = tokens.length;
    const r = byId.get(vocab.readingOf[i]);
    if (r) for (const t of contentTokens(r)) tokens.push(fnv1a(t) % buckets);
  }
  offsets[items + 1] = tokens.length;
  return { offsets, tokens: Int32Array.from(tokens) };
}

/** Per-event features: focus, understanding (0.5 when not rated), and study time. */
export const EVENT_FEATURES = 3;

export interface LearnerSequence {
  items: number[];
  /** (items.length, EVENT_FEATURES) */
  features: Float32Array;
  /** Start time of each event. */
  times: string[];
}

/**
 * The learner's history as events in time order. Consecutive sessions on the
 * same reading merge into one event (minutes add up; the last ratings count),
 * so the model learns what comes next, not that a reading continues.
 */
export function learnerSequence(sessions: StudySession[], vocab: Vocabulary): LearnerSequence {
  const sorted = [...sessions].filter((s) => vocab.idOf.has(s.readingId)).sort((a, b) => compareDates(a.start, b.start));
  const items: number[] = [];
  const feats: number[][] = [];
  const times: string[] = [];
  let minutes = 0;
  for (const s of sorted) {
    const id = vocab.idOf.get(s.readingId)!;
    const f = [s.focus / 5, s.understanding === null ? 0.5 : s.understanding / 100];
    if (items.length > 0 && items[items.length - 1] === id) {
      minutes += s.activeMinutes;
      feats[feats.length - 1] = [...f, Math.log1p(minutes) / 5];
    } else {
      minutes = s.activeMinutes;
      items.push(id);
      feats.push([...f, Math.log1p(minutes) / 5]);
      times.push(s.start);
    }
  }
  return { items, features: Float32Array.from(feats.flat()), times };
}

/** Path packs as item sequences (readings no longer in the catalog are skipped). */
export function packSequences(packs: PathPack[], vocab: Vocabulary): number[][] {
  return packs.flatMap((p) => p.sequences.map((seq) => seq.map((r) => vocab.idOf.get(r) ?? 0).filter((i) => i > 0))).filter((s) => s.length >= 2);
}
