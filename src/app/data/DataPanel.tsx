import { useEffect, useRef } from 'react';
import { useStore, type Counts, type PendingRestore } from '../studyStore';

const row = (what: string, k: keyof Counts, p: PendingRestore) => (
  <li key={k}>
    {what}: {p.before[k]} → {p.after[k]}
  </li>
);

/** What a restore would replace, before anything is: the learner confirms or cancels. */
function ConfirmRestore({ pending }: { pending: PendingRestore }) {
  const { confirmRestore, cancelRestore } = useStore();
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => confirm.current?.focus(), []);
  return (
    <div role="alertdialog" aria-labelledby="restore-title" aria-describedby="restore-what" className="card">
      <h3 id="restore-title">Restore {pending.name}?</h3>
      <div id="restore-what">
        <p>It replaces all your data (now → after the restore):</p>
        <ul>
          {row('Readings', 'readings', pending)}
          {row('Sessions', 'sessions', pending)}
          {row('Path packs', 'pathPacks', pending)}
        </ul>
        <p>Your current data is kept: Undo brings it back.</p>
      </div>
      <div className="row">
        <button type="button" ref={confirm} onClick={() => void confirmRestore()}>
          Replace my data
        </button>
        <button type="button" onClick={cancelRestore}>
          Cancel
        </button>
      </div>
    </div>
  );
}

/** Full backup export, and imports (backup JSON, Zotero CSV, BibTeX, path packs). */
export function DataPanel() {
  const { downloadBackup, importFile, say, pendingRestore } = useStore();
  const download = () =>
    downloadBackup().catch((e: unknown) => say({ kind: 'error', text: `Could not export a backup: ${e instanceof Error ? e.message : String(e)}` }));
  return (
    <section aria-labelledby="data-title">
      <h2 id="data-title">Your data</h2>
      <p>Everything stays in this browser. Export a backup to keep a copy or move it to another browser.</p>
      <div className="row">
        <button type="button" onClick={() => void download()}>
          Export backup
        </button>
        <label>
          Import a file (.json backup, Zotero .csv, .bib, path pack .txt){' '}
          <input
            type="file"
            accept=".json,.csv,.bib,.bibtex,.txt"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              if (file) await importFile(file.name, await file.text());
              e.target.value = '';
            }}
          />
        </label>
      </div>
      {pendingRestore && <ConfirmRestore key={pendingRestore.name} pending={pendingRestore} />}
    </section>
  );
}
