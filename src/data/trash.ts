/**
 * The one undo mechanism. A delete, a hide and a restore each write (and a
 * status, a session correction and a session deletion, sessionWrites.ts), in the
 * same transaction as the change, a tombstone in the trash store holding what
 * the change replaced; undo(seq) puts it back, in one transaction, and removes
 * the tombstone. The newest TRASH_KEEP tombstones are kept.
 *
 * Undo merges with the rows as they are now rather than overwriting them with
 * old copies, and never brings back a link to a reading that is gone: after an
 * undo, as after every write, each link names a reading that exists.
 */
import type { IDBPDatabase, IDBPObjectStore, StoreNames } from 'idb';
import { inTx, keep, type Tx } from './trashTx';
import type { StudyDB } from './schema';
import { findCycle } from './prerequisites';
import { undoSessionChange } from './sessionWrites';
import { undoReview } from './reviewLog';
import type { Data, PathPack, Reading, Settings, TrashEntry } from './types';
import { mergeReading, type ImportGains } from './importPlan';

/**
 * Puts every row, all requests queued at once. A request can throw
 * synchronously (a value IndexedDB cannot clone); each earlier one is already
 * observed, so the abort that follows leaves no unhandled rejection.
 */
async function putAll<N extends 'readings' | 'sessions' | 'pathPacks' | 'reviews'>(
  store: IDBPObjectStore<StudyDB, StoreNames<StudyDB>[], N, 'readwrite'>,
  rows: StudyDB[N]['value'][],
): Promise<void> {
  const requests: Promise<unknown>[] = [];
  for (const row of rows) {
    const request = store.put(row);
    request.catch(() => undefined);
    requests.push(request);
  }
  await Promise.all(requests);
}

/** The sequences without the ids keepId refuses; one that lost an id and is left shorter than two goes. */
const withoutIn = (sequences: string[][], keepId: (id: string) => boolean) =>
  sequences.flatMap((s) => {
    const kept = s.filter(keepId);
    return kept.length === s.length || kept.length >= 2 ? [kept] : [];
  });

/**
 * Deletes a reading with everything that names it: its sessions, the
 * prerequisite links to it and its place in path packs (a sequence left
 * shorter than two readings carries no transition and goes too).
 */
export function deleteReading(db: IDBPDatabase<StudyDB>, id: string, at: string): Promise<TrashEntry> {
  return inTx(db, async (tx) => {
    const readings = tx.objectStore('readings');
    const reading = await readings.get(id);
    if (!reading) throw new Error(`no reading has id "${id}" (deleted already?)`);
    const sessions = await tx.objectStore('sessions').index('by-reading').getAll(id);
    for (const s of sessions) await tx.objectStore('sessions').delete(s.id);
    const reviews = await tx.objectStore('reviews').index('by-reading').getAll(id);
    for (const r of reviews) await tx.objectStore('reviews').delete(r.id);
    const links: { readingId: string; prerequisites: string[] }[] = [];
    for (let cur = await readings.openCursor(); cur; cur = await cur.continue()) {
      if (!cur.value.prerequisites.includes(id)) continue;
      links.push({ readingId: cur.value.id, prerequisites: cur.value.prerequisites });
      await cur.update({ ...cur.value, prerequisites: cur.value.prerequisites.filter((p) => p !== id) });
    }
    const packs: PathPack[] = [];
    for (let cur = await tx.objectStore('pathPacks').openCursor(); cur; cur = await cur.continue()) {
      if (!cur.value.sequences.some((s) => s.includes(id))) continue;
      packs.push(cur.value);
      await cur.update({ ...cur.value, sequences: withoutIn(cur.value.sequences, (r) => r !== id) });
    }
    await readings.delete(id);
    return keep(tx, { kind: 'delete', at, label: `Deleted “${reading.title}”`, reading, sessions, reviews, links, packs });
  });
}

/** Hides a reading for good (status "hidden"), merged with its row as it is now. */
export function hideReading(db: IDBPDatabase<StudyDB>, id: string, at: string): Promise<TrashEntry> {
  return inTx(db, async (tx) => {
    const reading = await tx.objectStore('readings').get(id);
    if (!reading) throw new Error(`no reading has id "${id}" (deleted meanwhile?)`);
    await tx.objectStore('readings').put({ ...reading, status: 'hidden' });
    return keep(tx, { kind: 'hide', at, label: `Hid “${reading.title}”`, readingId: id, status: reading.status });
  });
}

/** Replaces all the learner's data with `data` (already validated), keeping what it replaced. */
export function replaceAll(db: IDBPDatabase<StudyDB>, data: Data, label: string, at: string): Promise<TrashEntry> {
  return inTx(db, async (tx) => {
    const before = {
      readings: await tx.objectStore('readings').getAll(),
      sessions: await tx.objectStore('sessions').getAll(),
      settings: (await tx.objectStore('settings').get('settings')) ?? null,
      pathPacks: await tx.objectStore('pathPacks').getAll(),
      reviews: await tx.objectStore('reviews').getAll(),
    };
    await write(tx, data);
    return keep(tx, { kind: 'restore', at, label, before });
  });
}

async function write(tx: Tx, d: Omit<Data, 'settings' | 'reviews'> & { settings: Settings | null; reviews?: Data['reviews'] }): Promise<void> {
  const stores = ['readings', 'sessions', 'pathPacks', 'reviews'] as const;
  await Promise.all(stores.map((s) => tx.objectStore(s).clear()));
  await putAll(tx.objectStore('readings'), d.readings);
  await putAll(tx.objectStore('sessions'), d.sessions);
  await putAll(tx.objectStore('pathPacks'), d.pathPacks);
  // A tombstone written before version 5 has no reviews.
  await putAll(tx.objectStore('reviews'), d.reviews ?? []);
  if (d.settings) await tx.objectStore('settings').put(d.settings, 'settings');
  else await tx.objectStore('settings').delete('settings');
}

/** Puts back what the tombstone `seq` holds and removes it; returns it. */
export function undo(db: IDBPDatabase<StudyDB>, seq: number): Promise<TrashEntry> {
  return inTx(db, async (tx) => {
    const entry = await tx.objectStore('trash').get(seq);
    if (!entry) throw new Error('Nothing to undo: that change was undone already.');
    const readings = tx.objectStore('readings');
    if (entry.kind === 'restore') await write(tx, entry.before);
    else if (entry.kind === 'import') await undoImport(tx, entry);
    else if (entry.kind === 'review') await undoReview(tx, entry);
    else if (entry.kind === 'hide') {
      const r = await readings.get(entry.readingId);
      if (r) await readings.put({ ...r, status: entry.status });
    } else if (entry.kind === 'delete') await undoDelete(tx, entry);
    else await undoSessionChange(tx, entry);
    await tx.objectStore('trash').delete(seq);
    return entry;
  });
}

async function undoDelete(tx: Tx, e: Extract<TrashEntry, { kind: 'delete' }>): Promise<void> {
  const readings = tx.objectStore('readings');
  const id = e.reading.id;
  const ids = new Set([...(await readings.getAllKeys()), id]);
  // The links as they are now, kept up to date below: a link that would close a cycle (made possible by links added
  // since the delete) is not brought back.
  const graph = new Map((await readings.getAll()).map((r) => [r.id, r]));
  const withoutCycle = (readingId: string, prerequisites: string[]) =>
    prerequisites.filter((p, i) => p !== id || !findCycle([...graph.values()], readingId, [...prerequisites.slice(0, i), p]));
  // Its own prerequisites, less any deleted since and any that would close a cycle.
  const own = e.reading.prerequisites.filter((p) => ids.has(p) && !findCycle([...graph.values()], id, [p]));
  graph.set(id, { ...e.reading, prerequisites: own });
  await readings.put(graph.get(id)!);
  await putAll(tx.objectStore('sessions'), e.sessions);
  // A tombstone written before version 5 has no reviews.
  await putAll(tx.objectStore('reviews'), e.reviews ?? []);
  for (const link of e.links) {
    const now = await readings.get(link.readingId);
    if (!now) continue;
    // The old order, with the deleted link back; links removed since stay removed, links added since stay.
    const prerequisites = withoutCycle(link.readingId, [
      ...link.prerequisites.filter((p) => p === id || now.prerequisites.includes(p)),
      ...now.prerequisites.filter((p) => !link.prerequisites.includes(p)),
    ]);
    graph.set(link.readingId, { ...now, prerequisites });
    await readings.put({ ...now, prerequisites });
  }
  for (const pack of e.packs) {
    if (!(await tx.objectStore('pathPacks').get(pack.id))) continue;
    await tx.objectStore('pathPacks').put({ ...pack, sequences: withoutIn(pack.sequences, (r) => ids.has(r)) });
  }
}

// Imports (issue 15): an import adds readings and fills in fields of readings already there.

/**
 * Writes an import in one transaction: `added` put in, and each of `merged`
 * merged (mergeReading) with its row as it is now; a row deleted meanwhile
 * is skipped. The tombstone keeps the added ids and the merged fields before
 * and after.
 */
export function applyImport(
  db: IDBPDatabase<StudyDB>,
  added: Reading[],
  merged: { id: string; gains: ImportGains }[],
  label: string,
  at: string,
): Promise<TrashEntry> {
  return inTx(db, async (tx) => {
    const readings = tx.objectStore('readings');
    await putAll(readings, added);
    const kept: Extract<TrashEntry, { kind: 'import' }>['merged'] = [];
    for (const m of merged) {
      const now = await readings.get(m.id);
      if (!now) continue;
      const after = mergeReading(now, m.gains);
      const keys = (Object.keys(m.gains) as (keyof ImportGains)[]).filter((k) => JSON.stringify(now[k]) !== JSON.stringify(after[k]));
      if (keys.length === 0) continue;
      kept.push({ id: m.id, before: Object.fromEntries(keys.map((k) => [k, now[k]])), after: Object.fromEntries(keys.map((k) => [k, after[k]])) });
      await readings.put(after);
    }
    return keep(tx, { kind: 'import', at, label, added: added.map((r) => r.id), merged: kept });
  });
}

/**
 * Undoes an import: the readings it added go, with whatever names them since
 * (sessions, reviews, prerequisite links, places in path packs); a merged
 * field goes back to its old value unless it was changed again since.
 */
async function undoImport(tx: Tx, e: Extract<TrashEntry, { kind: 'import' }>): Promise<void> {
  const readings = tx.objectStore('readings');
  const gone = new Set(e.added);
  for (const id of e.added) {
    for (const s of await tx.objectStore('sessions').index('by-reading').getAll(id)) await tx.objectStore('sessions').delete(s.id);
    for (const r of await tx.objectStore('reviews').index('by-reading').getAll(id)) await tx.objectStore('reviews').delete(r.id);
    await readings.delete(id);
  }
  for (const m of e.merged) {
    const now = await readings.get(m.id);
    if (!now) continue;
    const back = Object.entries(m.before).filter(([k]) => JSON.stringify(now[k as keyof Reading]) === JSON.stringify(m.after[k as keyof Reading]));
    await readings.put({ ...now, ...Object.fromEntries(back) });
  }
  for (let cur = await readings.openCursor(); cur; cur = await cur.continue()) {
    if (cur.value.prerequisites.some((p) => gone.has(p)))
      await cur.update({ ...cur.value, prerequisites: cur.value.prerequisites.filter((p) => !gone.has(p)) });
  }
  for (let cur = await tx.objectStore('pathPacks').openCursor(); cur; cur = await cur.continue()) {
    if (cur.value.sequences.some((s) => s.some((id) => gone.has(id))))
      await cur.update({ ...cur.value, sequences: withoutIn(cur.value.sequences, (r) => !gone.has(r)) });
  }
}

/** Every tombstone still in the trash, newest first (a deleted reading's can be undone to bring it back). */
export async function trashEntries(db: IDBPDatabase<StudyDB>): Promise<TrashEntry[]> {
  return (await db.getAll('trash')).sort((a, b) => (b.seq ?? 0) - (a.seq ?? 0));
}
