import { useEffect, useRef, useState } from 'react';
import { useStore } from './studyStore';
import { Catalog } from './catalog/Catalog';
import { DraftOffers, FocusTimer, type TimerStart } from './learn/FocusTimer';
import { Budget } from './learn/Budget';
import { History } from './history/History';
import { DataPanel } from './data/DataPanel';
import { EngineCheck } from './check/EngineCheck';
import { ManualSession } from './history/ManualSession';
import { Charts } from './history/Charts';
import { AttentionView, Recommendations } from './learn/Learn';
import { ModelPanel } from './learn/ModelPanel';
import { PathPanel } from './learn/PathPanel';
import { UnderstandingPanel } from './learn/Understanding';
import { useModel } from './learn/modelStore';
import { ErrorBoundary } from './ErrorBoundary';

const TABS = ['Today', 'Catalog', 'History', 'Data', 'Engine check'] as const;
type Tab = (typeof TABS)[number];

type Notice = NonNullable<ReturnType<typeof useStore.getState>['notice']>;

function NoticeBody({ notice, dismiss }: { notice: Notice; dismiss: () => void }) {
  return (
    <div className={`notice ${notice.kind}`}>
      <span>{notice.text}</span>
      <span className="notice-actions">
        {notice.action && (
          <button type="button" onClick={notice.action.run}>
            {notice.action.label}
          </button>
        )}
        <button type="button" onClick={dismiss} aria-label="Dismiss message">
          ×
        </button>
      </span>
    </div>
  );
}

/**
 * After a focus session is saved or discarded: focus goes back to the reading's Study button where the learner
 * pressed it (the catalog), else to the section's first heading. The notice saying what was saved is announced by
 * its live region either way.
 */
function focusAfterStudy(readingId: string) {
  const button = readingId ? document.querySelector<HTMLElement>(`[data-reading-study="${CSS.escape(readingId)}"]`) : null;
  const heading = document.querySelector<HTMLElement>('main section h2');
  const target = button ?? heading;
  if (!target) return;
  if (target === heading && !heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  target.focus();
}

export function App() {
  const { ready, init, readings, notice, say, loadDemo, newer, downloadBackup } = useStore();
  const [tab, setTab] = useState<Tab>('Today');
  const [studying, setStudying] = useState<TimerStart | null>(null);
  const startModel = useModel((s) => s.start);
  useEffect(() => {
    void init();
  }, [init]);
  useEffect(() => {
    if (ready) startModel();
  }, [ready, startModel]);
  /** Where Study was pressed: the timer's end goes back there. */
  const cameFrom = useRef<{ tab: Tab; readingId: string } | null>(null);
  /** Set when the timer closes: the reading whose Study button (or else the section's heading) takes focus next. */
  const returning = useRef<string | null>(null);
  useEffect(() => {
    if (studying !== null || returning.current === null) return;
    focusAfterStudy(returning.current);
    returning.current = null;
  }, [studying, tab]);
  const study = (id: string) => {
    cameFrom.current = { tab, readingId: id };
    setStudying({ readingId: id });
    setTab('Today');
    window.scrollTo({ top: 0 });
  };
  const doneStudying = () => {
    const from = cameFrom.current;
    cameFrom.current = null;
    setStudying(null);
    if (from) setTab(from.tab);
    returning.current = from?.readingId ?? '';
  };

  const demo = readings.some((r) => r.source === 'demo');
  return (
    <main>
      <header>
        <h1>StudyPath</h1>
        {demo && <span className="badge">Demo data</span>}
        <nav aria-label="Sections">
          {TABS.map((t) => (
            <button key={t} type="button" aria-current={tab === t ? 'page' : undefined} onClick={() => setTab(t)}>
              {t}
            </button>
          ))}
        </nav>
      </header>
      {/* The polite region is always there, so that a screen reader announces each message put into it. */}
      <div role="status" aria-live="polite">
        {notice?.kind === 'info' && <NoticeBody notice={notice} dismiss={() => say(null)} />}
      </div>
      {notice?.kind === 'error' && (
        <div role="alert" aria-live="assertive">
          <NoticeBody notice={notice} dismiss={() => say(null)} />
        </div>
      )}
      {!ready ? (
        <p>Opening your study history…</p>
      ) : newer ? (
        <section className="card" role="alert" aria-labelledby="newer-title">
          <h2 id="newer-title">Made by a newer version of StudyPath</h2>
          <p>{newer}</p>
          <button
            type="button"
            onClick={() =>
              void downloadBackup().catch((e: unknown) =>
                say({ kind: 'error', text: `Could not export a backup: ${e instanceof Error ? e.message : String(e)}` }),
              )
            }
          >
            Export a backup
          </button>
        </section>
      ) : (
        <>
          {readings.length === 0 && tab !== 'Engine check' && (
            <section className="card" aria-labelledby="empty-title">
              <h2 id="empty-title">Your catalog is empty</h2>
              <p>Add a reading in the Catalog, import a Zotero or BibTeX file, or explore with the built-in demo.</p>
              <button type="button" onClick={() => void loadDemo()}>
                Load the demo
              </button>
            </section>
          )}
          {/* Each section behind its own boundary: one that fails to render leaves the others working. */}
          {studying ? (
            <ErrorBoundary section="Focus timer">
              {/* A fresh timer per session: the key is the draft's id, or the reading's for a new session. */}
              <FocusTimer key={studying.draft?.id ?? studying.readingId} start={studying} onDone={doneStudying} />
            </ErrorBoundary>
          ) : (
            <ErrorBoundary section="Unfinished focus sessions">
              <DraftOffers
                onOpen={(start) => {
                  cameFrom.current = { tab, readingId: start.readingId };
                  setStudying(start);
                  setTab('Today');
                }}
              />
            </ErrorBoundary>
          )}
          {tab === 'Today' && (
            <>
              <ErrorBoundary section="Today's budget">
                <Budget />
              </ErrorBoundary>
              <ErrorBoundary section="Model">
                <ModelPanel />
              </ErrorBoundary>
              <ErrorBoundary section="Learning path">
                <PathPanel onStudy={study} />
              </ErrorBoundary>
              <ErrorBoundary section="Predicted understanding">
                <UnderstandingPanel />
              </ErrorBoundary>
              <ErrorBoundary section="Recommendations">
                <Recommendations onStudy={study} />
              </ErrorBoundary>
              <ErrorBoundary section="Attention">
                <AttentionView />
              </ErrorBoundary>
            </>
          )}
          {tab === 'Catalog' && (
            <ErrorBoundary section="Catalog">
              <Catalog onStudy={study} />
            </ErrorBoundary>
          )}
          {tab === 'History' && (
            <>
              <ErrorBoundary section="Statistics">
                <Charts />
              </ErrorBoundary>
              <ErrorBoundary section="History">
                <History />
              </ErrorBoundary>
              <ErrorBoundary section="Record a past session">
                <ManualSession />
              </ErrorBoundary>
            </>
          )}
          {tab === 'Data' && (
            <ErrorBoundary section="Data">
              <DataPanel />
            </ErrorBoundary>
          )}
          {tab === 'Engine check' && (
            <ErrorBoundary section="Engine check">
              <EngineCheck />
            </ErrorBoundary>
          )}
        </>
      )}
    </main>
  );
}
