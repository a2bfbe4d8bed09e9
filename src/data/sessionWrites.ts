/**
 * What studying changes, each in one transaction with its tombstone (trashTx.ts):
 *
 * - a saved session moves its reading from "unread" to "reading", carries the
 *   reading's progress forward (pages or percent, when it is the reading's
 *   latest session), and, from the focus timer, sets the status the learner
 *   chose at its end (finished, continue later = "reading", abandoned);
 * - the catalog sets a status;
 * - the history corrects or deletes a session.
 *
 * Finishing a reading (either way) also writes the first entry of its FSRS
 * review log (reviewLog.ts), rated from the understanding of its latest
 * session; undoing the status removes that entry again.
 *
 * Every status the learner sets, and every correction or deletion, leaves a
 * tombstone that trash.ts undo() puts back. The automatic unread → reading of
 * a first session leaves none: deleting the session is how it is taken back,
 * and that leaves the status as it is (a status is the learner's, not derived).
 */
import type { IDBPDatabase } from 'idb';
import type { StudyDB } from './schema';
import type { ReadingStatus, StudySession, TrashEntry } from './types';
import { ValidationError } from './validate';
import { compareDates, formatDateTime } from './dates';
import { inTx, keep, type Tx } from './trashTx';
import { finishingReview } from './reviewLog';

/** What the learner says at the end of a focus session. */
export type SessionOutcome = 'finished' | 'continue' | 'abandoned';

const OUTCOME_STATUS: Record<SessionOutcome, ReadingStatus> = { finished: 'finished', continue: 'reading', abandoned: 'abandoned' };

/** Why a session under a minute is refused, for every form and the repository. */
export const UNDER_A_MINUTE =
  'a session under one minute is not saved: it is too short to tell anything about your study, yet it would count as studying the reading';

/** Refuses a session under one minute, naming where and the field. */
export function refuseUnderAMinute(s: StudySession, where: string): void {
  if (s.activeMinutes < 1) throw new ValidationError(`${where}, field activeMinutes: ${UNDER_A_MINUTE}`);
}

/** How a status reads in a notice: Marked “X” as finished. */
const STATUS_TEXT: Record<ReadingStatus, string> = { unread: 'unread', reading: 'reading', finished: 'finished', abandoned: 'abandoned', hidden: 'hidden' };

/** The status a session leaves by itself: a first session makes an unread reading "reading". */
const statusAfterSession = (current: ReadingStatus): ReadingStatus => (current === 'unread' ? 'reading' : current);

/**
 * When a reading becomes finished: its finishing review, rated from `understanding` (or, when
 * null, from its latest session with a rating), in the same transaction. Returns the entry's id.
 */
async function logFinishing(tx: Tx, readingId: string, at: string, understanding: number | null): Promise<string> {
  let rated = understanding;
  if (rated === null) {
    const sessions = await tx.objectStore('sessions').index('by-reading').getAll(readingId);
    const latest = sessions.filter((x) => x.understanding !== null).sort((a, b) => compareDates(b.end, a.end))[0];
    rated = latest?.understanding ?? null;
  }
  const review = finishingReview(crypto.randomUUID(), readingId, at, rated);
  await tx.objectStore('reviews').put(review);
  return review.id;
}

async function readingOf(tx: Tx, id: string) {
  const reading = await tx.objectStore('readings').get(id);
  if (!reading) throw new Error(`no reading has id "${id}" (deleted meanwhile?)`);
  return reading;
}

export interface SavedSession {
  session: StudySession;
  /** The tombstone of the status the learner chose, when it changed the status; null otherwise. */
  entry: TrashEntry | null;
  status: ReadingStatus;
}

/**
 * Saves a validated session (at least a minute long). With `draftId`, the timer's draft goes in
 * the same transaction; with `outcome`, the reading takes the status the learner chose.
 */
export function saveSession(
  db: IDBPDatabase<StudyDB>,
  s: StudySession,
  opts: { draftId?: string; outcome?: SessionOutcome },
  at: string,
): Promise<SavedSession> {
  refuseUnderAMinute(s, 'session');
  return inTx(db, async (tx) => {
    const reading = await readingOf(tx, s.readingId);
    let progress = reading.progress;
    if (s.progressAt !== null) {
      if (!progress) throw new ValidationError(`session, field progressAt: “${reading.title}” does not track pages or percent`);
      if (s.progressAt > progress.total)
        throw new ValidationError(`session, field progressAt: ${s.progressAt} is past the end of “${reading.title}” (${progress.total} ${progress.unit})`);
      // Only the reading's latest session moves its bookmark: a past session entered later does not move it back.
      const others = await tx.objectStore('sessions').index('by-reading').getAll(s.readingId);
      if (others.every((o) => o.id === s.id || compareDates(o.end, s.end) <= 0)) progress = { ...progress, done: s.progressAt };
    }
    await tx.objectStore('sessions').put(s);
    if (opts.draftId !== undefined) await tx.objectStore('drafts').delete(opts.draftId);
    const base = statusAfterSession(reading.status);
    const status = opts.outcome ? OUTCOME_STATUS[opts.outcome] : base;
    await tx.objectStore('readings').put({ ...reading, status, progress });
    const reviewId = status === 'finished' && base !== 'finished' ? await logFinishing(tx, reading.id, s.end, s.understanding) : undefined;
    const label = `Marked “${reading.title}” as ${STATUS_TEXT[status]}`;
    const entry = status === base ? null : await keep(tx, { kind: 'status', at, label, readingId: reading.id, status: base, reviewId });
    return { session: s, entry, status };
  });
}

/** Sets a reading's status (the catalog); null when it had that status already. */
export function setStatus(db: IDBPDatabase<StudyDB>, id: string, status: ReadingStatus, at: string): Promise<TrashEntry | null> {
  return inTx(db, async (tx) => {
    const reading = await readingOf(tx, id);
    if (reading.status === status) return null;
    await tx.objectStore('readings').put({ ...reading, status });
    const reviewId = status === 'finished' ? await logFinishing(tx, id, at, null) : undefined;
    return keep(tx, { kind: 'status', at, label: `Marked “${reading.title}” as ${STATUS_TEXT[status]}`, readingId: id, status: reading.status, reviewId });
  });
}

async function sessionLabel(tx: Tx, verb: string, s: StudySession): Promise<string> {
  const title = (await tx.objectStore('readings').get(s.readingId))?.title ?? 'a deleted reading';
  return `${verb} the session of ${formatDateTime(s.start)} on “${title}”`;
}

/** Replaces a session with its corrected copy (validated, at least a minute long; same id and reading). */
export function editSession(db: IDBPDatabase<StudyDB>, s: StudySession, at: string): Promise<TrashEntry> {
  refuseUnderAMinute(s, 'session');
  return inTx(db, async (tx) => {
    const before = await tx.objectStore('sessions').get(s.id);
    if (!before) throw new Error('the session was deleted meanwhile');
    await tx.objectStore('sessions').put({ ...s, readingId: before.readingId });
    return keep(tx, { kind: 'session-edit', at, label: await sessionLabel(tx, 'Corrected', before), session: before });
  });
}

export function deleteSession(db: IDBPDatabase<StudyDB>, id: string, at: string): Promise<TrashEntry> {
  return inTx(db, async (tx) => {
    const session = await tx.objectStore('sessions').get(id);
    if (!session) throw new Error('the session was deleted already');
    await tx.objectStore('sessions').delete(id);
    return keep(tx, { kind: 'session-delete', at, label: await sessionLabel(tx, 'Deleted', session), session });
  });
}

/**
 * Undoes a status, a session correction or a session deletion (trash.ts undo). A status goes back
 * onto the reading as it is now; a corrected session that was deleted since stays deleted; a
 * deleted session whose reading was deleted since waits for that deletion's undo.
 */
export async function undoSessionChange(tx: Tx, e: Extract<TrashEntry, { kind: 'status' | 'session-edit' | 'session-delete' }>): Promise<void> {
  const readings = tx.objectStore('readings');
  const sessions = tx.objectStore('sessions');
  if (e.kind === 'status') {
    const r = await readings.get(e.readingId);
    if (r) await readings.put({ ...r, status: e.status });
    if (e.reviewId !== undefined) await tx.objectStore('reviews').delete(e.reviewId);
  } else if (e.kind === 'session-edit') {
    if (await sessions.getKey(e.session.id)) await sessions.put(e.session);
  } else {
    if (!(await readings.getKey(e.session.readingId)))
      throw new Error('Cannot undo yet: the reading of that session was deleted since. Undo its deletion first, then this.');
    await sessions.put(e.session);
  }
}
