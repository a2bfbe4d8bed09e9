import { useEffect, useRef } from 'react';
import { useStore, type Counts, type PendingRestore } from '../studyStore';
import { isReferenceFile } from '../../data/referenceFormats';
import { useImport } from './importStore';
import { ImportPreview, ImportProgress } from './ImportPreview';

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

/** Full backup export, and imports (backup JSON, Zotero CSV, BibTeX, RIS, path packs). */
export function DataPanel() {
  const { downloadBackup, importFile, say, pendingRestore } = useStore();
  const references = useImport();
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
          Import a file (.json backup, .bib, .ris, Zotero .csv, path pack .txt){' '}
          <input
            type="file"
            accept=".json,.csv,.bib,.bibtex,.ris,.txt"
            onChange={async (e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (!file) return;
              const text = await file.text();
              if (isReferenceFile(file.name)) await references.start(file.name, text);
              else await importFile(file.name, text);
            }}
          />
        </label>
        <label>
          <input type="checkbox" checked={references.autoTags} onChange={(e) => references.setAutoTags(e.target.checked)} /> Also use Zotero&rsquo;s automatic
          tags as topics
        </label>
      </div>
      {references.parsing && <ImportProgress {...references.parsing} />}
      {references.pending && <ImportPreview key={references.pending.file} plan={references.pending} />}
      {pendingRestore && <ConfirmRestore key={pendingRestore.name} pending={pendingRestore} />}
    </section>
  );
}
