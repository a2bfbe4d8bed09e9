/**
 * Reads and writes of the learner's data, for the UI and the trainer.
 * Each write is its own transaction, so two tabs writing at once both keep
 * their rows; every write is announced on a BroadcastChannel so other tabs
 * refresh. A failed write (quota exceeded, aborted transaction) is rethrown as
 * a StorageError with a message for the user, never dropped.
 *
 * Every write keeps the data a backup can hold (backup.ts, checkLinks): each
 * row passes validate.ts, and every link names a reading that exists. A
 * delete takes everything naming the reading with it; a save drops links to
 * readings that are gone, and refuses prerequisites that would close a cycle
 * (prerequisites.ts). Deletes, hides, restores, status changes and session
 * corrections and deletions can be undone (trash.ts, sessionWrites.ts).
 */
import type { IDBPDatabase } from 'idb';
import type { StudyDB } from './schema';
import type { Data } from './types';
import {
  DEFAULT_SETTINGS,
  type CheckpointRecord,
  type FocusDraft,
  type PathPack,
  type Reading,
  type ReviewRecord,
  type Settings,
  type StudySession,
} from './types';
import { ValidationError, validateDraft, validatePathPack, validateReading, validateReview, validateSession, validateSettings } from './validate';
import { check, type Checked } from './checkedRows';

export type { Unreadable } from './checkedRows';
import { compareDates } from './dates';
import * as trash from './trash';
import type { ReadingStatus, TrashEntry } from './types';
import { cycleMessage, findCycle, refuseCycles } from './prerequisites';
import * as sessionWrites from './sessionWrites';
import * as reviewLog from './reviewLog';
import type { ImportPlan } from './importPlan';

export class StorageError extends Error {
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'StorageError';
  }
}

export type Change = { store: 'readings' | 'sessions' | 'settings' | 'checkpoints' | 'pathPacks' | 'reviews'; id?: string };

const CHANNEL = 'studypath-changes';

function describe(e: unknown, what: string): StorageError {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  if (name === 'QuotaExceededError')
    return new StorageError(`Could not save ${what}: this browser's storage for the app is full. Export a backup and free some space, then try again.`, e);
  if (name === 'AbortError') return new StorageError(`Could not save ${what}: the browser aborted the write. Nothing was changed; try again.`, e);
  return new StorageError(`Could not save ${what}: ${e instanceof Error ? e.message : String(e)}`, e);
}

/** The ids among `ids` that name a reading in the store (or `self`: a reading linking to itself is refused as a cycle), in order. */
async function existing(store: { getKey(id: string): Promise<string | undefined> }, ids: string[], self: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of ids) if (p === self || (await store.getKey(p)) !== undefined) out.push(p);
  return out;
}

export class Repo {
  private channel: BroadcastChannel | null;

  constructor(
    readonly db: IDBPDatabase<StudyDB>,
    onRemoteChange?: (c: Change) => void,
  ) {
    this.channel = typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(CHANNEL);
    if (this.channel && onRemoteChange) this.channel.onmessage = (ev: MessageEvent<Change>) => onRemoteChange(ev.data);
  }

  private announce(c: Change): void {
    this.channel?.postMessage(c);
  }

  private async write<T>(what: string, change: Change, fn: () => Promise<T>): Promise<T> {
    try {
      const out = await fn();
      this.announce(change);
      return out;
    } catch (e) {
      // A refusal already names the record and the field.
      if (e instanceof ValidationError) throw e;
      throw describe(e, what);
    }
  }

  /** The readings that pass validation, and the rows that do not. */
  async readingsChecked(): Promise<Checked<Reading>> {
    return check('readings', await this.db.getAll('readings'), validateReading);
  }
  /** Sessions oldest first (compared as dates), and the rows that fail validation. */
  async sessionsChecked(): Promise<Checked<StudySession>> {
    // Not through the by-start index: a row without a usable start would be missing from it, unreported.
    const checked = check('sessions', await this.db.getAll('sessions'), validateSession);
    checked.rows.sort((a, b) => compareDates(a.start, b.start) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return checked;
  }
  async readings(): Promise<Reading[]> {
    return (await this.readingsChecked()).rows;
  }
  async sessions(): Promise<StudySession[]> {
    return (await this.sessionsChecked()).rows;
  }
  sessionsOf(readingId: string): Promise<StudySession[]> {
    return this.db.getAllFromIndex('sessions', 'by-reading', readingId);
  }
  async settings(): Promise<Settings> {
    return (await this.db.get('settings', 'settings')) ?? DEFAULT_SETTINGS;
  }
  pathPacks(): Promise<PathPack[]> {
    return this.db.getAll('pathPacks');
  }
  /** The FSRS review log (reviewLog.ts), every reading's. */
  reviews(): Promise<ReviewRecord[]> {
    return this.db.getAll('reviews');
  }
  /** Adds a rated review to a reading's log; undoable. */
  saveReview(r: ReviewRecord): Promise<TrashEntry> {
    const v = validateReview(r, 'review');
    return this.write('the review', { store: 'reviews', id: v.id }, () => reviewLog.saveReview(this.db, v, new Date().toISOString()));
  }

  /**
   * Validates, then saves (insert or replace). Prerequisites naming a reading
   * that no longer exists are dropped rather than refused: the form that sent
   * them may have been opened before that reading was deleted, and the
   * learner's edit should not fail over a link they cannot see. A link that
   * would close a cycle is refused, naming it.
   */
  async saveReading(r: Reading): Promise<Reading> {
    const v = validateReading(r, 'reading');
    return this.write(`the reading "${v.title}"`, { store: 'readings', id: v.id }, async () => {
      const tx = this.db.transaction('readings', 'readwrite');
      const out = { ...v, prerequisites: await existing(tx.store, v.prerequisites, v.id) };
      const all = await tx.store.getAll();
      const cycle = findCycle(all, v.id, out.prerequisites);
      if (cycle) {
        const titles = new Map([...all.map((r) => [r.id, r.title] as const), [v.id, v.title]]);
        throw new ValidationError(`reading "${v.title}", field prerequisites: ${cycleMessage(cycle, (id) => titles.get(id))}`);
      }
      await tx.store.put(out);
      await tx.done;
      return out;
    });
  }

  /**
   * An edit: `fields` merged onto the reading as it is now in the database
   * (not onto the copy the form was opened with, which may be stale).
   */
  async updateReading(id: string, fields: Partial<Omit<Reading, 'id'>>): Promise<Reading> {
    const current = await this.db.get('readings', id);
    if (!current) throw new StorageError(`Could not save the edit: the reading was deleted meanwhile.`);
    return this.saveReading({ ...current, ...fields, id });
  }

  /** Deletes a reading, its sessions, every prerequisite link to it and its place in path packs, in one transaction; undoable. */
  deleteReading(id: string): Promise<TrashEntry> {
    return this.write('the deletion', { store: 'readings', id }, () => trash.deleteReading(this.db, id, new Date().toISOString()));
  }

  /** Hides a reading for good; undoable. */
  hideReading(id: string): Promise<TrashEntry> {
    return this.write('the reading', { store: 'readings', id }, () => trash.hideReading(this.db, id, new Date().toISOString()));
  }

  /** Sets a reading's status (the catalog); undoable. Null when it had that status already. */
  setStatus(id: string, status: ReadingStatus): Promise<TrashEntry | null> {
    return this.write('the status', { store: 'readings', id }, () => sessionWrites.setStatus(this.db, id, status, new Date().toISOString()));
  }

  /** Puts back what a delete, hide, restore, status change or session correction or deletion replaced (trash.ts). */
  undo(seq: number): Promise<TrashEntry> {
    return this.write('the undo', { store: 'readings' }, () => trash.undo(this.db, seq));
  }

  /**
   * Saves a session of at least a minute (sessionWrites.ts): its reading becomes "reading" if it was
   * unread, its progress moves to the session's, and `outcome` (the timer's end) sets the status the
   * learner chose, undoably. With `draftId`, the focus-session draft it came from is deleted in the
   * same transaction: a crash can leave the draft or the session, never both.
   */
  async saveSession(s: StudySession, opts: { draftId?: string; outcome?: sessionWrites.SessionOutcome } = {}): Promise<sessionWrites.SavedSession> {
    const v = validateSession(s, 'session');
    return this.write('the study session', { store: 'sessions', id: v.id }, () => sessionWrites.saveSession(this.db, v, opts, new Date().toISOString()));
  }

  /** A corrected session (same id and reading); undoable. */
  async editSession(s: StudySession): Promise<TrashEntry> {
    const v = validateSession(s, 'session');
    return this.write('the corrected session', { store: 'sessions', id: v.id }, () => sessionWrites.editSession(this.db, v, new Date().toISOString()));
  }

  /** Deletes one session; undoable. */
  deleteSession(id: string): Promise<TrashEntry> {
    return this.write('the deletion of the session', { store: 'sessions', id }, () => sessionWrites.deleteSession(this.db, id, new Date().toISOString()));
  }

  async saveSettings(s: Settings): Promise<Settings> {
    const v = validateSettings(s, 'settings');
    return this.write('the settings', { store: 'settings' }, async () => {
      await this.db.put('settings', v, 'settings');
      return v;
    });
  }

  /**
   * Focus-session drafts, newest first. A row that fails validation is dropped from the list (and
   * left in the database); drafts are the app's own scratch data, not the learner's records.
   * Draft writes are not announced to other tabs or the trainer: they change no record.
   */
  async drafts(): Promise<FocusDraft[]> {
    const rows: FocusDraft[] = [];
    for (const x of await this.db.getAll('drafts')) {
      try {
        rows.push(validateDraft(x, 'database, drafts'));
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
      }
    }
    return rows.sort((a, b) => compareDates(b.lastSeenAt, a.lastSeenAt));
  }
  async saveDraft(d: FocusDraft): Promise<void> {
    const v = validateDraft(d, 'draft');
    try {
      await this.db.put('drafts', v);
    } catch (e) {
      throw describe(e, 'the focus session in progress');
    }
  }
  async deleteDraft(id: string): Promise<void> {
    try {
      await this.db.delete('drafts', id);
    } catch (e) {
      throw describe(e, 'the removal of the focus-session draft');
    }
  }

  saveCheckpoint(c: CheckpointRecord): Promise<void> {
    return this.write('the model checkpoint', { store: 'checkpoints', id: c.id }, async () => {
      await this.db.put('checkpoints', c);
    });
  }
  checkpoint(id: string): Promise<CheckpointRecord | undefined> {
    return this.db.get('checkpoints', id);
  }
  /** Makes checkpoint `from` the checkpoint `to` (replacing it) in one transaction: a reload sees one or the other, whole. */
  promoteCheckpoint(from: string, to: string): Promise<void> {
    return this.write('the model checkpoint', { store: 'checkpoints', id: to }, async () => {
      const tx = this.db.transaction('checkpoints', 'readwrite');
      const c = await tx.store.get(from);
      if (!c) throw new Error(`no checkpoint "${from}" to promote`);
      await Promise.all([tx.store.put({ ...c, id: to }), tx.store.delete(from), tx.done]);
    });
  }
  deleteCheckpoint(id: string): Promise<void> {
    return this.write('the model checkpoint', { store: 'checkpoints', id }, () => this.db.delete('checkpoints', id));
  }
  latestCheckpoint(): Promise<CheckpointRecord | undefined> {
    return this.db.getAll('checkpoints').then((all) => all.sort((a, b) => compareDates(b.createdAt, a.createdAt))[0]);
  }

  /** Add readings (an import), through the same validation as a backup's, all in one transaction; refused whole if its links close a cycle. */
  async importReadings(readings: Reading[], from: string): Promise<void> {
    const valid = readings.map((r, i) => validateReading(r, `${from}, reading ${i + 1}`));
    return this.write(`the readings from ${from}`, { store: 'readings' }, async () => {
      const tx = this.db.transaction('readings', 'readwrite');
      const ids = new Set([...(await tx.store.getAllKeys()), ...valid.map((r) => r.id)]);
      const rows = valid.map((r) => ({ ...r, prerequisites: r.prerequisites.filter((p) => ids.has(p)) }));
      const after = new Map((await tx.store.getAll()).map((r) => [r.id, r]));
      for (const r of rows) after.set(r.id, r);
      refuseCycles([...after.values()], from);
      await Promise.all([...rows.map((r) => tx.store.put(r)), tx.done]);
    });
  }

  /** Replace everything with a validated backup, in one transaction, keeping what it replaced for undo. */
  async restore(b: Data, from: string): Promise<TrashEntry> {
    refuseCycles(b.readings, from);
    return this.write(`the data from ${from}`, { store: 'readings' }, () => trash.replaceAll(this.db, b, `Restored ${from}`, new Date().toISOString()));
  }

  /** Saves a path pack through the same validation as a backup's, less any reading deleted since it was read. */
  async savePathPack(p: PathPack): Promise<void> {
    const v = validatePathPack(p, `path pack ${JSON.stringify(String(p.id))}`);
    return this.write(`the path pack "${v.name}"`, { store: 'pathPacks', id: v.id }, async () => {
      const tx = this.db.transaction(['readings', 'pathPacks'], 'readwrite');
      const ids = new Set(await tx.objectStore('readings').getAllKeys());
      const sequences = v.sequences.map((s) => s.filter((id) => ids.has(id))).filter((s) => s.length >= 2);
      await tx.objectStore('pathPacks').put({ ...v, sequences });
      await tx.done;
    });
  }

  // Imports (issue 15)

  /** Writes a planned import (importPlan.ts): its new readings, and the fields readings already there gain; undoable. */
  applyImport(plan: ImportPlan): Promise<TrashEntry> {
    const added = plan.added.map((r, i) => validateReading(r, `${plan.file}, reading ${i + 1}`));
    const label = `Imported ${plan.file}`;
    return this.write(`the readings from ${plan.file}`, { store: 'readings' }, () =>
      trash.applyImport(this.db, added, plan.merged, label, new Date().toISOString()),
    );
  }

  close(): void {
    this.channel?.close();
    this.db.close();
  }
}
