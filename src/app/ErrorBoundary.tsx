import { Component, useState, type ErrorInfo, type ReactNode } from 'react';
import { useStore } from './studyStore';

interface Props {
  /** The section's name as the learner knows it, e.g. "History". */
  section: string;
  children: ReactNode;
}

interface State {
  error: Error | null;
}

/**
 * One per section: a section that throws while rendering is replaced by a
 * message naming it and the error, with a backup export and "Try again",
 * while every other section keeps working. Errors in event handlers and
 * promises are not caught here; the store turns those into notices.
 */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`The ${this.props.section} section failed:`, error, info.componentStack);
  }

  private retry = () => {
    // Re-read the database too: the failure may have come from data another tab has since fixed.
    void useStore
      .getState()
      .refresh()
      .catch(() => undefined);
    this.setState({ error: null });
  };

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    return <SectionFailed section={this.props.section} error={error} onRetry={this.retry} />;
  }
}

function SectionFailed({ section, error, onRetry }: { section: string; error: Error; onRetry: () => void }) {
  const { downloadBackup } = useStore();
  const [exportError, setExportError] = useState<string | null>(null);
  const id = `failed-${section.replace(/\W+/g, '-').toLowerCase()}`;
  const exportBackup = () => {
    setExportError(null);
    downloadBackup().catch((e: unknown) => setExportError(`The backup could not be exported either: ${e instanceof Error ? e.message : String(e)}`));
  };
  return (
    <section className="card failed" aria-labelledby={id}>
      <h2 id={id}>The {section} section could not be shown</h2>
      <p role="alert">{error.message || error.name}</p>
      <p>Your data in this browser is untouched. Export a backup to keep a copy, then try again; the other sections still work.</p>
      <div className="row">
        <button type="button" onClick={exportBackup}>
          Export a backup
        </button>
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      </div>
      {exportError && <p className="notice error">{exportError}</p>}
    </section>
  );
}
