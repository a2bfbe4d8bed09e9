/**
 * "Because you studied A 41 %, B 22 %", measured rather than read off
 * attention: each past event's effect on a recommendation is how much the
 * recommendation's share falls when that event is removed (exact
 * leave-one-out; model/occlusion.ts defines "removed" and runs every removal
 * as one batched forward pass).
 *
 * The effect of event i on candidate c, in nats:
 *   log p(c | history) - log p(c | history without i),
 * p the softmax over every item of the model. Positive: the event raised the
 * candidate; negative: it lowered it.
 */
import { rowNormalisers, type LeaveOneOutColumns, type LeaveOneOutScores } from '../model/occlusion';
import type { ModelBackend } from '../train/backend';
import type { TrainingData } from '../train/learnerData';
import { percentages } from './explain';

/** Effect of each of `window` events (oldest first) on a log share, from the score in each row (row 0: the whole history). */
function effectsFrom(window: number, lse: Float64Array, score: (row: number) => number): number[] {
  const full = score(0) - lse[0];
  return Array.from({ length: window }, (_, i) => full - (score(i + 1) - lse[i + 1]));
}

/** Effect of each window event (oldest first) on `candidate`'s log share, (L). */
export function eventEffects(loo: LeaveOneOutScores, candidate: number, lse: Float64Array = rowNormalisers(loo)): number[] {
  return effectsFrom(loo.window, lse, (r) => loo.scores[r * loo.cols + candidate]);
}

/** The same from leave-one-out columns: effects on the j-th item asked about. */
export function columnEffects(c: LeaveOneOutColumns, j: number): number[] {
  return effectsFrom(c.window, c.lse, (r) => c.columns[r * c.items.length + j]);
}

interface Effect {
  readingId: string;
  /** Whole-percent share of the total effect (raising and lowering together add up to 100 over every reading). */
  percent: number;
}

export interface EffectExplanation {
  /** The readings whose sessions raised this recommendation most, largest first. */
  raised: Effect[];
  /** Readings whose sessions lowered it, largest first. */
  lowered: Effect[];
}

/** Below this total effect (nats) the model does not tell the history's readings apart: nothing is claimed. */
const MIN_TOTAL_EFFECT = 1e-4;

/**
 * What the learner sees for one recommendation. `history` holds the reading
 * of each window event (oldest first, as `effects`). Sessions of one reading
 * are merged (their effects summed); the candidate's own sessions never
 * explain it. Shares are of the summed absolute effect; readings under 1 %
 * are left out. Equal effects are ordered newest first, never by name.
 */
export function explainEffects(effects: number[], history: string[], candidate: string, top = 3): EffectExplanation {
  if (effects.length !== history.length) throw new Error(`explainEffects: ${effects.length} effects for ${history.length} events`);
  const sum = new Map<string, { effect: number; newest: number }>();
  history.forEach((r, i) => {
    if (r === candidate) return;
    const e = sum.get(r);
    sum.set(r, { effect: (e?.effect ?? 0) + effects[i], newest: i });
  });
  const ids = [...sum.keys()];
  const total = ids.reduce((a, id) => a + Math.abs(sum.get(id)!.effect), 0);
  if (!(total > MIN_TOTAL_EFFECT)) return { raised: [], lowered: [] };
  const pct = percentages(ids.map((id) => Math.abs(sum.get(id)!.effect)));
  const all = ids
    .map((readingId, i) => ({ readingId, percent: pct[i], ...sum.get(readingId)! }))
    .filter((c) => c.percent >= 1)
    .sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect) || b.newest - a.newest);
  const pick = (sign: 1 | -1) =>
    all
      .filter((c) => Math.sign(c.effect) === sign)
      .slice(0, top)
      .map(({ readingId, percent }) => ({ readingId, percent }));
  return { raised: pick(1), lowered: pick(-1) };
}

/**
 * The app's entry point: each reading's explanation after the learner's
 * history (or `history`, e.g. a planned path's sequence), from one batched
 * leave-one-out pass. Readings outside the model's vocabulary get none.
 */
export async function explainByRemoval(
  data: TrainingData,
  backend: ModelBackend,
  readingIds: string[],
  history: { items: number[]; features: Float32Array } = data.learner,
): Promise<Map<string, EffectExplanation>> {
  const { vocab } = data;
  const out = new Map<string, EffectExplanation>();
  if (history.items.length === 0) return out;
  const asked = readingIds.filter((r) => vocab.idOf.has(r));
  const loo = await backend.leaveOneOutColumns(
    history.items,
    history.features,
    asked.map((r) => vocab.idOf.get(r)!),
  );
  const window = history.items.slice(history.items.length - loo.window).map((id) => vocab.readingOf[id]);
  asked.forEach((r, j) => out.set(r, explainEffects(columnEffects(loo, j), window, r)));
  return out;
}
