/**
 * What an imported file becomes, by its name: a backup (.json) is read and checked and waits for
 * the learner to confirm what it replaces; a .txt path pack is saved. Reference files (BibTeX, RIS,
 * Zotero CSV) go through the import preview instead (src/app/data/importStore.ts). A bad file throws with a message naming it, the line and the field, and changes nothing.
 */
import type { Repo } from '../data/repo';
import type { Reading } from '../data/types';
import { parseBackup, type Backup } from '../data/backup';
import { parsePathPack } from '../data/pathpack';
import { refuseCycles } from '../data/prerequisites';
import { newId } from './ids';

export interface Counts {
  readings: number;
  sessions: number;
  pathPacks: number;
}

/** A backup read and checked, waiting for the learner to confirm what it replaces. */
export interface PendingRestore {
  name: string;
  backup: Backup;
  before: Counts;
  after: Counts;
}

/** The restore waiting for confirmation, or what was imported, for the notice. */
export async function readImport(
  repo: Repo,
  name: string,
  text: string,
  readings: Reading[],
  sessions: number,
): Promise<{ pending: PendingRestore } | { done: string }> {
  const lower = name.toLowerCase();
  if (lower.endsWith('.json')) {
    // Nothing is replaced until the learner has seen what would be, and confirmed.
    const backup = parseBackup(text, name);
    refuseCycles(backup.readings, name);
    const before = { readings: readings.length, sessions, pathPacks: (await repo.pathPacks()).length };
    const after = { readings: backup.readings.length, sessions: backup.sessions.length, pathPacks: backup.pathPacks.length };
    return { pending: { name, backup, before, after } };
  }
  if (lower.endsWith('.txt')) {
    const p = parsePathPack(text, name, readings, newId());
    await repo.savePathPack(p.pack);
    return {
      done: `Imported a path pack of ${p.users} learner sequence(s) over ${p.mappedItems} mapped reading(s); ${p.droppedInteractions} unmapped interaction(s) dropped.`,
    };
  }
  throw new Error(`${name}: unknown file type (expected .json backup, .bib, .ris, .csv from Zotero, or a .txt path pack)`);
}
