/**
 * Prerequisite links form a graph: reading A "builds on" each of its
 * prerequisites. A cycle (A builds on B, B builds on A; or A on itself) has no
 * order in which to study it, so every write refuses one (repo.ts) and the
 * catalog's picker says which readings would close it. Pure functions.
 */
import { ValidationError } from './validate';

interface Linked {
  id: string;
  prerequisites: string[];
}

/**
 * The cycle that giving reading `id` the prerequisites `prerequisites` would
 * close, as ids from `id` back to `id` (["a", "b", "a"]: a builds on b, which
 * builds on a), or null when there is none. The other readings' links are
 * taken from `readings`; `id`'s own entry there, if any, is ignored.
 */
export function findCycle(readings: readonly Linked[], id: string, prerequisites: readonly string[]): string[] | null {
  const linksOf = new Map(readings.map((r) => [r.id, r.prerequisites]));
  linksOf.set(id, [...prerequisites]);
  // Depth-first from `id`; a path that comes back to `id` is the cycle.
  const seen = new Set<string>();
  const path: string[] = [id];
  const walk = (from: string): boolean => {
    for (const next of linksOf.get(from) ?? []) {
      if (next === id) {
        path.push(id);
        return true;
      }
      if (seen.has(next)) continue;
      seen.add(next);
      path.push(next);
      if (walk(next)) return true;
      path.pop();
    }
    return false;
  };
  return walk(id) ? path : null;
}

/** The first cycle among `readings` (ids, closed: ["a", "b", "a"]), or null when the links have none. One walk over the graph. */
export function firstCycle(readings: readonly Linked[]): string[] | null {
  const linksOf = new Map(readings.map((r) => [r.id, r.prerequisites]));
  const done = new Set<string>();
  const path: string[] = [];
  const onPath = new Set<string>();
  const walk = (from: string): string[] | null => {
    path.push(from);
    onPath.add(from);
    for (const next of linksOf.get(from) ?? []) {
      if (onPath.has(next)) return [...path.slice(path.indexOf(next)), next];
      if (done.has(next)) continue;
      const cycle = walk(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(from);
    done.add(from);
    return null;
  };
  for (const r of readings) {
    if (done.has(r.id)) continue;
    const cycle = walk(r.id);
    if (cycle) return cycle;
  }
  return null;
}

/** “A” → “B” → “A” would be a cycle: the readings by title (or id, where a title is unknown). */
export function cycleMessage(cycle: readonly string[], titleOf: (id: string) => string | undefined): string {
  return `${cycle.map((id) => `“${titleOf(id) ?? id}”`).join(' → ')} would be a cycle: a reading cannot build on itself, directly or through others`;
}

/** Throws a ValidationError naming `where`, the field and the cycle, when `readings` hold one. */
export function refuseCycles(readings: readonly (Linked & { title: string })[], where: string): void {
  const cycle = firstCycle(readings);
  if (!cycle) return;
  const titles = new Map(readings.map((r) => [r.id, r.title]));
  throw new ValidationError(`${where}, field prerequisites: ${cycleMessage(cycle, (id) => titles.get(id))}`);
}
