import { useStore } from '../studyStore';

/** Full backup export, and imports (backup JSON, Zotero CSV, BibTeX, path packs). */
export function DataPanel() {
  const { downloadBackup, importFile, say } = useStore();
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
    </section>
  );
}
