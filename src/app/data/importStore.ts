/**
 * Reference imports (BibTeX, RIS, Zotero CSV) in the Data section: the file
 * is parsed in a worker (with progress), the import is planned against the
 * readings there now, and the learner sees the plan (new, already there,
 * refused) before anything is written. Confirming writes it, undoably.
 */
import { create } from 'zustand';
import { planImport, type ImportPlan } from '../../data/importPlan';
import type { ReferenceOptions } from '../../data/referenceFormats';
import type { ParsedImport } from '../../data/importRecord';
import type { ImportReply, ImportRequest } from '../../data/importWorker';
import { useStore } from '../studyStore';
import { newId } from '../ids';

interface ImportState {
  /** Zotero's automatic tags become topics too. */
  autoTags: boolean;
  /** The file being parsed, and how far: characters read of the total. */
  parsing: { name: string; done: number; total: number } | null;
  /** A planned import waiting for the learner's confirmation. */
  pending: ImportPlan | null;
  setAutoTags(on: boolean): void;
  start(name: string, text: string): Promise<void>;
  confirm(): Promise<void>;
  cancel(): void;
}

let worker: Worker | null = null;

/** Parses in a worker; where none can run (an old browser), on this thread. */
function parse(name: string, text: string, options: ReferenceOptions, onProgress: (done: number, total: number) => void): Promise<ParsedImport> {
  // The parsers load only here, so the page's own bundle does not carry them.
  if (typeof Worker === 'undefined') return import('../../data/referenceFile').then((m) => m.readReferenceFile(name, text, options, newId, onProgress));
  worker?.terminate();
  const w = new Worker(new URL('../../data/importWorker.ts', import.meta.url), { type: 'module' });
  worker = w;
  return new Promise((resolve, reject) => {
    w.onmessage = (ev: MessageEvent<ImportReply>) => {
      const m = ev.data;
      if (m.kind === 'progress') return onProgress(m.done, m.total);
      w.terminate();
      if (worker === w) worker = null;
      if (m.kind === 'done') resolve(m.parsed);
      else reject(new Error(m.message));
    };
    w.onerror = (ev) => {
      w.terminate();
      reject(new Error(`${name}: the import stopped (${ev.message || 'the worker failed'})`));
    };
    w.postMessage({ name, text, options } satisfies ImportRequest);
  });
}

/** "3 new, 1 already there (1 gains fields), 2 repeated in the file, 1 refused". */
export function planSummary(p: ImportPlan): string {
  const parts = [`${p.added.length} new`, `${p.alreadyThere} already there${p.merged.length ? ` (${p.merged.length} gain fields)` : ''}`];
  if (p.repeated) parts.push(`${p.repeated} repeated in the file`);
  parts.push(`${p.refused.length} refused`);
  return parts.join(', ');
}

export const useImport = create<ImportState>((set, get) => ({
  autoTags: false,
  parsing: null,
  pending: null,

  setAutoTags(autoTags) {
    set({ autoTags });
  },

  async start(name, text) {
    const app = useStore.getState();
    set({ parsing: { name, done: 0, total: text.length }, pending: null });
    app.say(null);
    try {
      const parsed = await parse(name, text, { autoTags: get().autoTags }, (done, total) => set({ parsing: { name, done, total } }));
      if (get().parsing?.name !== name) return; // cancelled meanwhile
      set({ parsing: null, pending: planImport(parsed, useStore.getState().readings) });
    } catch (e) {
      set({ parsing: null });
      app.say({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    }
  },

  async confirm() {
    const plan = get().pending;
    if (!plan) return;
    set({ pending: null });
    const app = useStore.getState();
    if (plan.added.length === 0 && plan.merged.length === 0) {
      app.say({ kind: 'info', text: `Nothing to import from ${plan.file}: ${planSummary(plan)}.` });
      return;
    }
    try {
      const entry = await app.repo!.applyImport(plan);
      await useStore.getState().refresh();
      const seq = entry.seq;
      app.say({
        kind: 'info',
        text: `Imported ${plan.file}: ${plan.added.length} new, ${plan.merged.length} merged.`,
        action: seq === undefined ? undefined : { label: 'Undo', run: () => void useStore.getState().undo(seq) },
      });
    } catch (e) {
      app.say({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    }
  },

  cancel() {
    worker?.terminate();
    worker = null;
    const was = get().parsing?.name ?? get().pending?.file;
    set({ parsing: null, pending: null });
    useStore.getState().say({ kind: 'info', text: `Import${was ? ` of ${was}` : ''} cancelled: nothing was changed.` });
  },
}));
