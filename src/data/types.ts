/**
 * The learner's data. Everything lives in IndexedDB (src/data/db.ts); imports
 * pass through src/data/validate.ts before anything is written.
 */

/**
 * unread → reading (its first session) → finished or abandoned; hidden is set
 * by Hide and undone by Undo. Issue 13 owns the transitions (what a session's
 * end and the catalog may change).
 */
export type ReadingStatus = 'unread' | 'reading' | 'finished' | 'abandoned' | 'hidden';

/** How far into a long reading the learner is: pages or a percentage, advanced by sessions. */
export interface ReadingProgress {
  unit: 'pages' | 'percent';
  /** Pages in the reading, or 100 for a percentage. */
  total: number;
  /** Pages read, or percent done: 0..total. */
  done: number;
}

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
  /** Pages or percent read so far, for a reading that tracks it; null otherwise. */
  progress: ReadingProgress | null;
  /** Normalised DOI (lower case, no resolver prefix, e.g. "10.1145/3292500.3330701"), or null. */
  doi: string | null;
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
  /** The reading's progress (pages or percent, in its unit) when this session ended, or null. */
  progressAt: number | null;
}

/** FSRS rating of one review, as ts-fsrs numbers them: 1 Again, 2 Hard, 3 Good, 4 Easy. */
export type ReviewRating = 1 | 2 | 3 | 4;

/**
 * One review of a finished reading (issue 20). The review log is the source
 * of truth: a reading's FSRS card is derived by replaying its reviews.
 */
export interface ReviewRecord {
  id: string;
  readingId: string;
  /** ISO 8601: when the review was rated. */
  at: string;
  rating: ReviewRating;
  /** Minutes the review took. */
  minutes: number;
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
  /** Minutes one review of a finished reading takes (issue 20); 5 when not set (DEFAULT_REVIEW_MINUTES). */
  reviewMinutes?: number;
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

/** The learner's data as a backup holds it (checkpoints, drafts and the trash are not in it). */
export interface Data {
  readings: Reading[];
  sessions: StudySession[];
  settings: Settings;
  pathPacks: PathPack[];
  reviews: ReviewRecord[];
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
      /** Its FSRS review log (absent from tombstones written before version 5). */
      reviews?: ReviewRecord[];
      /** The prerequisite lists, before the delete, of the readings that linked to it. */
      links: { readingId: string; prerequisites: string[] }[];
      /** The path packs that named it, before the delete. */
      packs: PathPack[];
    })
  | (TrashBase & { kind: 'hide'; readingId: string; status: ReadingStatus })
  /** A status set in the catalog or by a session's end (finished, continue later, abandon): the status before. */
  | (TrashBase & {
      kind: 'status';
      readingId: string;
      status: ReadingStatus;
      /** The review-log entry that finishing wrote (issue 20), removed again by undo. */
      reviewId?: string;
    })
  /** A session corrected in the history: the session as it was. */
  | (TrashBase & { kind: 'session-edit'; session: StudySession })
  /** A session deleted in the history. */
  | (TrashBase & { kind: 'session-delete'; session: StudySession })
  | (TrashBase & { kind: 'restore'; before: Omit<Data, 'settings' | 'reviews'> & { settings: Settings | null; reviews?: ReviewRecord[] } })
  /** A review rated in today's plan (issue 20): the log entry it added. */
  | (TrashBase & { kind: 'review'; reviewId: string })
  | (TrashBase & {
      kind: 'import';
      /** Ids of the readings the import added. */
      added: string[];
      /** Readings already there that gained fields: those fields before and after the import. */
      merged: { id: string; before: Partial<Reading>; after: Partial<Reading> }[];
    });
