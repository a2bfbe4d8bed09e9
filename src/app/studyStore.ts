/**
 * App state (zustand) over the repository. Components call actions; actions
 * talk to src/data; every failure becomes a visible message, never a silent drop.
 */
import { create } from 'zustand';
import type { IDBPDatabase } from 'idb';
import { NewerDatabaseError, openForExport, openStudyDb, type StudyDB } from '../data/db';
import { exportBackup, parseBackup } from '../data/backup';
import { demoAsOf } from '../data/demoDates';
import { Repo, type Unreadable } from '../data/repo';
import type { ReadingStatus, ReviewRating, ReviewRecord, TrashEntry } from '../data/types';
import { DEFAULT_REVIEW_MINUTES } from '../data/reviewLog';
import { newId } from './ids';
import type { SessionOutcome } from '../data/sessionWrites';
import { readImport, type PendingRestore } from './importFile';
import { liveDraftIds } from './drafts';
import { DEFAULT_SETTINGS, type FocusDraft, type Reading, type Settings, type StudySession } from '../data/types';

export type { Counts, PendingRestore } from './importFile';

interface Notice {
  kind: 'error' | 'info';
  text: string;
  /** A button beside the text, e.g. Undo. */
  action?: { label: string; run: () => void };
}

interface State {
  ready: boolean;
  repo: Repo | null;
  readings: Reading[];
  sessions: StudySession[];
  /** The FSRS review log (what today's budget has spent on reviews comes from it). */
  reviews: ReviewRecord[];
  settings: Settings;
  /** Rows in the database that fail today's validation: reported by the sections that would show them. */
  unreadable: Unreadable[];
  notice: Notice | null;
  /**
   * Focus sessions left unfinished by a reload, a closed tab or a crash, found when the page opened
   * (newest first). A draft that a live timer in another tab holds (its Web Lock) is not offered.
   */
  drafts: FocusDraft[];
  /** Set when the database was made by a newer app: nothing is shown or written, export still works. */
  newer: string | null;
  /** That newer database, opened as it is, for export only. */
  newerDb: IDBPDatabase<StudyDB> | null;
  pendingRestore: PendingRestore | null;
  init(): Promise<void>;
  refresh(): Promise<void>;
  say(n: Notice | null): void;
  loadDemo(): Promise<void>;
  saveReading(r: Reading): Promise<boolean>;
  /** An edit, merged with the reading as it is now. */
  editReading(id: string, fields: Partial<Omit<Reading, 'id'>>): Promise<boolean>;
  deleteReading(id: string): Promise<void>;
  /**
   * Saves a session; with `draftId`, deletes the timer's draft in the same transaction; with `outcome`, sets the
   * status the learner chose at the session's end (a notice offers to undo it).
   */
  saveSession(s: StudySession, opts?: { draftId?: string; outcome?: SessionOutcome }): Promise<boolean>;
  /** Corrects a session (same id); undoable. */
  editSession(s: StudySession): Promise<boolean>;
  /** Deletes a session; undoable. */
  deleteSession(id: string): Promise<boolean>;
  /** Sets a reading's status from the catalog; undoable. */
  setStatus(id: string, status: ReadingStatus): Promise<void>;
  /** Rates a due review (FSRS: 1 Again .. 4 Easy); undoable. `next` says when it comes back, for the notice. */
  rateReview(readingId: string, rating: ReviewRating, next: string): Promise<void>;
  /** Writes the running timer's draft. Returns the error's message, or null: the timer shows it, no notice each tick. */
  keepDraft(d: FocusDraft): Promise<string | null>;
  /** Deletes a draft (the session is discarded). */
  discardDraft(id: string): Promise<boolean>;
  /** Takes a draft off the offers (its timer is open again). */
  takeDraft(id: string): void;
  /** Offers a draft whose timer closed unsaved (another session was started over it). */
  offerDraft(d: FocusDraft): void;
  hideReading(id: string): Promise<void>;
  undo(seq: number): Promise<void>;
  confirmRestore(): Promise<void>;
  cancelRestore(): void;
  saveSettings(s: Settings): Promise<void>;
  importFile(name: string, text: string): Promise<void>;
  exportJson(): Promise<string>;
  /** Saves a full backup as a file download (the Data section's export, and every section's error message). */
  downloadBackup(): Promise<void>;
}

async function guard(set: (p: Partial<State>) => void, fn: () => Promise<void>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (e) {
    set({ notice: { kind: 'error', text: e instanceof Error ? e.message : String(e) } });
    return false;
  }
}

/** A notice for a change that can be undone, with its Undo button. */
function undoable(get: () => State, text: string, entry: TrashEntry): Notice {
  const seq = entry.seq;
  return { kind: 'info', text, action: seq === undefined ? undefined : { label: 'Undo', run: () => void get().undo(seq) } };
}

export const useStore = create<State>((set, get) => ({
  ready: false,
  repo: null,
  readings: [],
  sessions: [],
  reviews: [],
  settings: DEFAULT_SETTINGS,
  unreadable: [],
  notice: null,
  drafts: [],
  newer: null,
  newerDb: null,
  pendingRestore: null,

  async init() {
    if (get().repo) return;
    await guard(set, async () => {
      let db: IDBPDatabase<StudyDB>;
      try {
        db = await openStudyDb();
      } catch (e) {
        if (!(e instanceof NewerDatabaseError)) throw e;
        set({ newer: e.message, newerDb: await openForExport() });
        return;
      }
      db.addEventListener('versionchange', () => db.close());
      // The trainer's checkpoints change nothing the page shows.
      const repo = new Repo(db, (c) => {
        if (c.store !== 'checkpoints') void get().refresh();
      });
      set({ repo });
      if (navigator.storage?.persist) void navigator.storage.persist();
      await get().refresh();
      const live = await liveDraftIds();
      set({ drafts: (await repo.drafts()).filter((d) => !live.has(d.id)) });
    });
    set({ ready: true });
  },

  async refresh() {
    const repo = get().repo;
    if (!repo) return;
    const [readings, sessions, settings, reviews] = await Promise.all([repo.readingsChecked(), repo.sessionsChecked(), repo.settings(), repo.reviews()]);
    set({ readings: readings.rows, sessions: sessions.rows, settings, reviews, unreadable: [...readings.unreadable, ...sessions.unreadable] });
  },

  say(notice) {
    set({ notice });
  },

  async loadDemo() {
    await guard(set, async () => {
      const res = await fetch(`${import.meta.env.BASE_URL}demo/demo.json`);
      if (!res.ok) throw new Error(`could not load the demo data (HTTP ${res.status})`);
      const entry = await get().repo!.restore(demoAsOf(parseBackup(await res.text(), 'demo.json'), new Date()), 'the demo');
      await get().refresh();
      set({ notice: undoable(get, 'Demo data loaded: a catalog of real readings and six weeks of a demo learner’s history.', entry) });
    });
  },

  async saveReading(r) {
    return guard(set, async () => {
      const saved = await get().repo!.saveReading(r);
      await get().refresh();
      set({ notice: { kind: 'info', text: `Added “${saved.title}”.` } });
    });
  },

  async editReading(id, fields) {
    return guard(set, async () => {
      const saved = await get().repo!.updateReading(id, fields);
      await get().refresh();
      set({ notice: { kind: 'info', text: `Saved your changes to “${saved.title}”.` } });
    });
  },

  async deleteReading(id) {
    await guard(set, async () => {
      const entry = await get().repo!.deleteReading(id);
      await get().refresh();
      const sessions = entry.kind === 'delete' ? entry.sessions.length : 0;
      set({ notice: undoable(get, `${entry.label}${sessions ? ` and its ${sessions} session(s)` : ''}.`, entry) });
    });
  },

  async hideReading(id) {
    await guard(set, async () => {
      const entry = await get().repo!.hideReading(id);
      await get().refresh();
      set({ notice: undoable(get, `${entry.label}.`, entry) });
    });
  },

  async undo(seq) {
    await guard(set, async () => {
      const entry = await get().repo!.undo(seq);
      await get().refresh();
      set({ notice: { kind: 'info', text: `Undone: ${entry.label}.` } });
    });
  },

  async confirmRestore() {
    const p = get().pendingRestore;
    if (!p) return;
    set({ pendingRestore: null });
    await guard(set, async () => {
      const entry = await get().repo!.restore(p.backup, p.name);
      await get().refresh();
      set({ notice: undoable(get, `Restored the backup ${p.name}.`, entry) });
    });
  },

  cancelRestore() {
    set({ pendingRestore: null, notice: { kind: 'info', text: 'Restore cancelled: nothing was changed.' } });
  },

  async saveSession(s, opts = {}) {
    return guard(set, async () => {
      const { entry } = await get().repo!.saveSession(s, opts);
      if (opts.draftId !== undefined) get().takeDraft(opts.draftId);
      await get().refresh();
      if (entry) set({ notice: undoable(get, `Session saved. ${entry.label}.`, entry) });
    });
  },

  async editSession(s) {
    return guard(set, async () => {
      const entry = await get().repo!.editSession(s);
      await get().refresh();
      set({ notice: undoable(get, `${entry.label}.`, entry) });
    });
  },

  async deleteSession(id) {
    return guard(set, async () => {
      const entry = await get().repo!.deleteSession(id);
      await get().refresh();
      set({ notice: undoable(get, `${entry.label}.`, entry) });
    });
  },

  async setStatus(id, status) {
    await guard(set, async () => {
      const entry = await get().repo!.setStatus(id, status);
      await get().refresh();
      if (entry) set({ notice: undoable(get, `${entry.label}.`, entry) });
    });
  },

  async rateReview(readingId, rating, next) {
    await guard(set, async () => {
      const minutes = get().settings.reviewMinutes ?? DEFAULT_REVIEW_MINUTES;
      const entry = await get().repo!.saveReview({ id: newId(), readingId, at: new Date().toISOString(), rating, minutes });
      await get().refresh();
      set({ notice: undoable(get, `${entry.label}. Next review ${next}.`, entry) });
    });
  },

  async keepDraft(d) {
    try {
      await get().repo!.saveDraft(d);
      return null;
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  },

  async discardDraft(id) {
    return guard(set, async () => {
      await get().repo!.deleteDraft(id);
      set({ drafts: get().drafts.filter((d) => d.id !== id) });
    });
  },

  takeDraft(id) {
    set({ drafts: get().drafts.filter((d) => d.id !== id) });
  },

  offerDraft(d) {
    set({ drafts: [d, ...get().drafts.filter((x) => x.id !== d.id)] });
  },

  async saveSettings(s) {
    await guard(set, async () => {
      set({ settings: await get().repo!.saveSettings(s) });
    });
  },

  async importFile(name, text) {
    await guard(set, async () => {
      const { readings, sessions } = get();
      const read = await readImport(get().repo!, name, text, readings, sessions.length);
      if ('pending' in read) {
        set({ pendingRestore: read.pending, notice: null });
        return;
      }
      set({ notice: { kind: 'info', text: read.done } });
      await get().refresh();
    });
  },

  async exportJson() {
    const db = get().repo?.db ?? get().newerDb;
    if (!db) throw new Error('the database is not open');
    return JSON.stringify(await exportBackup(db), null, 1);
  },

  async downloadBackup() {
    const blob = new Blob([await get().exportJson()], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `studypath-backup-${new Date().toISOString().slice(0, 10)}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  },
}));
