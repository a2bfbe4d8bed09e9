import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useStore } from '../studyStore';
import { draftLockName } from '../drafts';
import { newId } from '../ids';
import { SessionEnd, type SessionEndValues } from './SessionEnd';
import type { FocusDraft } from '../../data/types';
import { formatDateTime } from '../../data/dates';

/** While the timer runs, its draft is rewritten at most this often (and on every start, pause, interruption and stop). */
const DRAFT_EVERY_MS = 5000;

const clockText = (ms: number) => `${Math.floor(ms / 60_000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}`;

/** What the timer opens on: a new session, or a draft found after a reload (resumed running, or stopped to be saved). */
export interface TimerStart {
  readingId: string;
  draft?: FocusDraft;
  stopped?: boolean;
}

/**
 * A focus timer on one reading: start, pause, stop. Only running time counts;
 * the tab going out of sight pauses the timer and counts an interruption. At
 * the end (SessionEnd.tsx) it asks what the reading is now (finished, continue
 * later, abandon: one key each), how far the learner got, focus and
 * understanding, and saves the session; under a minute it saves nothing.
 *
 * From its first second the session is a draft in IndexedDB (rewritten on
 * every start, pause, interruption and stop, and every 5 seconds while it
 * runs), so a reload or a crash loses at most those 5 seconds. A draft found
 * after a reload comes back with the active time it had kept: the time the
 * page was closed is not counted, and a page closed while the timer ran
 * counts as one interruption. Saving or discarding deletes the draft. While
 * the timer runs, leaving the page asks first.
 */
export function FocusTimer({ start, onDone }: { start: TimerStart; onDone: () => void }) {
  const { readings, saveSession, keepDraft, discardDraft, takeDraft, offerDraft } = useStore();
  const { readingId, draft } = start;
  const reading = readings.find((r) => r.id === readingId);
  const [id] = useState(() => draft?.id ?? newId());
  const [startedAt] = useState(() => draft?.startedAt ?? new Date().toISOString());
  const [running, setRunning] = useState(!start.stopped);
  const [activeMs, setActiveMs] = useState(draft?.activeMs ?? 0);
  // A page closed while the timer ran is an interruption, as the tab going out of sight is.
  const [interruptions, setInterruptions] = useState(() => (draft ? draft.interruptions + (draft.running ? 1 : 0) : 0));
  const [stopped, setStopped] = useState(!!start.stopped);
  /** What the last draft write kept (its active time), or why it failed. */
  const [kept, setKept] = useState<{ ms: number } | { error: string } | null>(null);
  // Set by the running layout effect before anything reads it (running starts true).
  const last = useRef(0);
  /** The banked active time: what the clock shows and what a draft write keeps. */
  const total = useRef(draft?.activeMs ?? 0);
  /** The latest interruptions, for the periodic draft write inside the interval. */
  const interrupted = useRef(0);
  const lastWrite = useRef(0);
  /** Set once the session is saved or discarded: its draft is gone. */
  const finished = useRef(false);
  /** The draft as last written, running or not. */
  const latest = useRef<FocusDraft | null>(null);
  /** Takes focus when the timer opens: Study leads a keyboard user here, with Pause and Stop next. */
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  /**
   * Adds the running time since the last bank to the total. The delta is taken now, not inside a state
   * updater: React may run an updater later, after `last` has moved on, and the minutes would be lost
   * (seen after a long sleep of the page: the first tick's 8 minutes vanished).
   */
  const bank = useCallback(() => {
    const now = performance.now();
    total.current += now - last.current;
    last.current = now;
    setActiveMs(total.current);
  }, []);

  /** Writes the draft as it stands now (the total banked so far). */
  const writeDraft = useCallback(
    (isRunning: boolean) => {
      lastWrite.current = performance.now();
      const d: FocusDraft = {
        id,
        readingId,
        startedAt,
        activeMs: Math.round(total.current),
        running: isRunning,
        interruptions: interrupted.current,
        lastSeenAt: new Date().toISOString(),
      };
      latest.current = d;
      void keepDraft(d).then((error) => setKept(error === null ? { ms: d.activeMs } : { error }));
    },
    [id, readingId, startedAt, keepDraft],
  );

  // The draft on mount (the first second) and on every start, pause, interruption and stop.
  useEffect(() => {
    interrupted.current = interruptions;
    writeDraft(running);
  }, [running, interruptions, stopped, writeDraft]);

  // Open: this draft is not on offer. Closed unsaved (another session started over it): it is paused and offered.
  useEffect(() => {
    takeDraft(id);
    return () => {
      const d = latest.current;
      if (finished.current || !d) return;
      const paused = { ...d, running: false, activeMs: Math.round(total.current), lastSeenAt: new Date().toISOString() };
      void keepDraft(paused);
      offerDraft(paused);
    };
  }, [id, takeDraft, offerDraft, keepDraft]);

  // A layout effect: the clock starts in the same task as the click that (re)started it, not after the next paint.
  useLayoutEffect(() => {
    if (!running) return;
    last.current = performance.now();
    const t = setInterval(() => {
      bank();
      if (performance.now() - lastWrite.current >= DRAFT_EVERY_MS) writeDraft(true);
    }, 1000);
    return () => clearInterval(t);
  }, [running, bank, writeDraft]);

  useEffect(() => {
    const onVisibility = () => {
      if (document.hidden && running) {
        bank();
        setRunning(false);
        setInterruptions((n) => n + 1);
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => document.removeEventListener('visibilitychange', onVisibility);
  }, [running, bank]);

  // Leaving the page while the timer runs asks first (the draft keeps the session either way).
  useEffect(() => {
    if (!running) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = ''; // older browsers show the dialog only when returnValue is set
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [running]);

  // Holds this draft's Web Lock while the timer is open: another tab opened meanwhile does not offer to resume it.
  useEffect(() => {
    const locks = globalThis.navigator?.locks;
    if (!locks) return;
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    void locks.request(draftLockName(id), () => held).catch(() => undefined);
    return () => release();
  }, [id]);

  if (!reading) return null;
  const clock = clockText(activeMs);

  const save = async ({ outcome, progressAt, ratings }: SessionEndValues) => {
    const ok = await saveSession(
      {
        id: newId(),
        readingId,
        start: startedAt,
        end: new Date().toISOString(),
        activeMinutes: Math.round(activeMs / 60_000),
        interruptions,
        quizScore: null,
        progressAt,
        ...ratings,
      },
      { draftId: id, outcome },
    );
    if (ok) {
      finished.current = true;
      onDone();
    }
  };
  const discard = async () => {
    if (await discardDraft(id)) {
      finished.current = true;
      onDone();
    }
  };

  return (
    <section aria-labelledby="timer-title" className="card">
      <h2 id="timer-title" ref={heading} tabIndex={-1}>
        Studying: {reading.title}
      </h2>
      <p role="timer" aria-label="Active study time" aria-live="off" className="clock">
        {clock}
      </p>
      {draft && (
        <p role="status">
          Resumed: {Math.floor(draft.activeMs / 60_000)} minute(s) kept; the time the page was closed is not counted
          {draft.running ? ', and its closing counts as one interruption' : ''}.
        </p>
      )}
      <p className="muted" data-testid="draft-kept">
        {kept === null
          ? 'Keeping this session in this browser…'
          : 'error' in kept
            ? `Not kept in this browser: ${kept.error}`
            : `Kept in this browser (a reload or crash resumes from here): ${clockText(kept.ms)}`}
      </p>
      <p>
        Interruptions: <span data-testid="interruptions">{interruptions}</span>
      </p>
      {!stopped ? (
        <div className="row">
          {running ? (
            <button
              type="button"
              onClick={() => {
                bank();
                setRunning(false);
              }}
            >
              Pause
            </button>
          ) : (
            <button type="button" onClick={() => setRunning(true)}>
              Resume
            </button>
          )}
          <button
            type="button"
            onClick={() => {
              if (running) bank();
              setRunning(false);
              setStopped(true);
            }}
          >
            Stop
          </button>
        </div>
      ) : (
        <SessionEnd
          reading={reading}
          activeMs={activeMs}
          onSave={save}
          onResume={() => {
            setStopped(false);
            setRunning(true);
          }}
          onDiscard={() => void discard()}
        />
      )}
    </section>
  );
}

/** The focus sessions a reload, a closed tab or a crash left unfinished: resume, save or discard each. */
export function DraftOffers({ onOpen }: { onOpen: (start: TimerStart) => void }) {
  const { drafts, readings, takeDraft, discardDraft } = useStore();
  if (drafts.length === 0) return null;
  const open = (draft: FocusDraft, stopped: boolean) => {
    takeDraft(draft.id);
    onOpen({ readingId: draft.readingId, draft, stopped });
  };
  return (
    <section aria-labelledby="drafts-title" className="card">
      <h2 id="drafts-title">Unfinished focus session{drafts.length > 1 ? 's' : ''}</h2>
      {drafts.map((d) => {
        const title = readings.find((r) => r.id === d.readingId)?.title;
        return (
          <div key={d.id} data-testid="draft">
            <p>
              {title ?? 'A reading that is no longer in the catalog'}: {Math.floor(d.activeMs / 60_000)} active minute(s) kept, started{' '}
              {formatDateTime(d.startedAt)}, last kept {formatDateTime(d.lastSeenAt)}. The time since then is not counted.
            </p>
            <div className="row">
              {title !== undefined && (
                <>
                  <button type="button" onClick={() => open(d, false)}>
                    Resume
                  </button>
                  <button type="button" onClick={() => open(d, true)}>
                    Stop and save
                  </button>
                </>
              )}
              <button type="button" onClick={() => void discardDraft(d.id)}>
                Discard
              </button>
            </div>
          </div>
        );
      })}
    </section>
  );
}
