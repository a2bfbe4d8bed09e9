/**
 * The learner's data. Everything lives in IndexedDB (src/data/db.ts); imports
 * pass through src/data/validate.ts before anything is written.
 */

export type ReadingStatus = 'unread' | 'reading' | 'finished' | 'hidden';

export interface Reading {
  id: string;
  title: string;
  /** http(s) only; anything else is refused at the boundary. */
  url: string | null;
  authors: string[];
  year: number | null;
  topics: string[];
  /** Estimated minutes to study it. */
  minutes: number;
  /** 1 (easy) .. 5 (hard). */
  difficulty: number;
  /** Ids of readings this one builds on. */
  prerequisites: string[];
  /** ISO 8601. */
  addedAt: string;
  status: ReadingStatus;
  /** Where it came from: typed in, imported, or the built-in demo. */
  source: 'manual' | 'import' | 'demo';
}

export interface StudySession {
  id: string;
  readingId: string;
  /** ISO 8601 start and end. */
  start: string;
  end: string;
  /** Minutes of active study (pauses and hidden-tab time excluded). */
  activeMinutes: number;
  /** 1 (scattered) .. 5 (deep focus). */
  focus: number;
  interruptions: number;
  /** 0..100, self-rated, or null. */
  understanding: number | null;
  /** 0..100 from a quiz, or null. */
  quizScore: number | null;
  notes: string;
}

/**
 * A focus session in progress, kept in IndexedDB from its first second so that
 * a reload or a crash does not lose it. Not part of backups.
 */
export interface FocusDraft {
  id: string;
  readingId: string;
  /** ISO 8601: when the session started. */
  startedAt: string;
  /** Whole milliseconds of active study banked so far (pauses and hidden-tab time excluded). */
  activeMs: number;
  /** Whether the timer was running when the draft was last written. */
  running: boolean;
  interruptions: number;
  /** ISO 8601: when the draft was last written. */
  lastSeenAt: string;
}

export interface Settings {
  /** Minutes of study the learner budgets per day. */
  dailyBudgetMinutes: number;
}

export const DEFAULT_SETTINGS: Settings = { dailyBudgetMinutes: 60 };

/** Other learners' sequences of catalog readings, kept as prior data for the trainer. */
export interface PathPack {
  id: string;
  name: string;
  importedAt: string;
  sequences: string[][];
}

export interface CheckpointRecord {
  id: string;
  createdAt: string;
  /** Versioned binary from the engine's save(). */
  blob: Uint8Array;
  /** Free-form training metadata (step, loss, validation HR@10, backend). */
  meta: Record<string, unknown>;
}

/** The learner's data as a backup holds it (checkpoints and the trash are not in it). */
export interface Data {
  readings: Reading[];
  sessions: StudySession[];
  settings: Settings;
  pathPacks: PathPack[];
}

interface TrashBase {
  /** The trash store's key, given when the tombstone is written. */
  seq?: number;
  at: string;
  /** What was done, for the notice: 'Deleted “Attention Is All You Need”'. */
  label: string;
}

/** What one change replaced. */
export type TrashEntry =
  | (TrashBase & {
      kind: 'delete';
      reading: Reading;
      sessions: StudySession[];
      /** The prerequisite lists, before the delete, of the readings that linked to it. */
      links: { readingId: string; prerequisites: string[] }[];
      /** The path packs that named it, before the delete. */
      packs: PathPack[];
    })
  | (TrashBase & { kind: 'hide'; readingId: string; status: ReadingStatus })
  | (TrashBase & { kind: 'restore'; before: Omit<Data, 'settings'> & { settings: Settings | null } });
