/**
 * A learning path for the time available, built by rolling the model forward:
 * each chosen reading is appended to the history before the next is chosen.
 * Rules: a reading never comes before a prerequisite that is neither finished
 * nor earlier in the path; finished, hidden and abandoned readings never (one
 * being read may continue; a finished reading comes back as an FSRS review,
 * src/recommend/reviews.ts, not as a new step); the estimated minutes fit
 * the time.
 */
import type { Reading } from '../data/types';

export interface PathStep {
  readingId: string;
  score: number;
  minutes: number;
  /** Minutes used up to and including this step. */
  cumulative: number;
}

export interface PathInput {
  catalog: Reading[];
  /** Reading ids studied, oldest first (the model's history). */
  history: string[];
  minutes: number;
  /** Scores of every reading after a history (higher is better). */
  score: (history: string[]) => Promise<Map<string, number>> | Map<string, number>;
  /** Readings the learner skipped for this path. */
  skip?: Set<string>;
  maxSteps?: number;
}

/**
 * Whether a reading may come next as a new step: unread or being read (not
 * finished, hidden or abandoned), with every prerequisite done (`done`
 * decides: finished, planned earlier, or gone from the catalog).
 * Recommendations, paths and the starting suggestion share it.
 */
export function mayComeNext(r: Reading, done: (id: string) => boolean): boolean {
  return (r.status === 'unread' || r.status === 'reading') && r.prerequisites.every(done);
}

export async function planPath(input: PathInput): Promise<PathStep[]> {
  const byId = new Map(input.catalog.map((r) => [r.id, r]));
  const finished = new Set(input.catalog.filter((r) => r.status === 'finished').map((r) => r.id));
  const history = [...input.history];
  const path: PathStep[] = [];
  const inPath = new Set<string>();
  let left = input.minutes;
  const maxSteps = input.maxSteps ?? 20;
  const done = (p: string) => finished.has(p) || inPath.has(p) || !byId.has(p);
  while (path.length < maxSteps) {
    const eligible = input.catalog.filter((r) => !inPath.has(r.id) && !input.skip?.has(r.id) && r.minutes <= left && mayComeNext(r, done));
    if (eligible.length === 0) break;
    const scores = await input.score(history);
    let best: Reading | null = null;
    let bestScore = -Infinity;
    for (const r of eligible) {
      const s = scores.get(r.id) ?? -Infinity;
      if (s > bestScore || (s === bestScore && best !== null && r.id < best.id)) {
        best = r;
        bestScore = s;
      }
    }
    if (!best || bestScore === -Infinity) break;
    left -= best.minutes;
    inPath.add(best.id);
    history.push(best.id);
    path.push({ readingId: best.id, score: bestScore, minutes: best.minutes, cumulative: input.minutes - left });
  }
  return path;
}
