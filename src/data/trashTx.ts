/**
 * The transaction every undoable change runs in, and the tombstone it leaves
 * there (trash.ts undoes them; sessionWrites.ts and trash.ts write them).
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { StudyDB } from './schema';
import type { TrashEntry } from './types';

/** How many tombstones are kept: the newest. */
export const TRASH_KEEP = 20;

/** Every store a change with a tombstone may touch (drafts: a session saved from the timer deletes its draft). */
const STORES: StoreNames<StudyDB>[] = ['readings', 'sessions', 'settings', 'pathPacks', 'reviews', 'drafts', 'trash'];
export type Tx = IDBPTransaction<StudyDB, StoreNames<StudyDB>[], 'readwrite'>;

/** Runs fn in one transaction over the data and the trash: all of it is written, or none. */
export async function inTx<T>(db: IDBPDatabase<StudyDB>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = db.transaction(STORES, 'readwrite');
  const done = tx.done;
  done.catch(() => undefined); // observed below; an abort must not surface as an unhandled rejection
  try {
    const out = await fn(tx);
    await done;
    return out;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // the transaction already ended
    }
    throw e;
  }
}

/** Writes the tombstone, in the change's transaction, and prunes all but the newest TRASH_KEEP. */
export async function keep(tx: Tx, entry: TrashEntry): Promise<TrashEntry> {
  const trash = tx.objectStore('trash');
  const seq = (await trash.add(entry)) as number;
  const keys = await trash.getAllKeys();
  for (const k of keys.slice(0, Math.max(0, keys.length - TRASH_KEEP))) await trash.delete(k);
  return { ...entry, seq };
}
