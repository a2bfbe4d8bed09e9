/**
 * The training worker: all model work (data preparation, WebGPU or CPU
 * training, scoring, planning) runs here, off the page's main thread. It
 * reads the learner's data from IndexedDB itself and hears about every change
 * over the repository's BroadcastChannel. Only the tab whose worker holds
 * the trainer lock trains (lock.ts).
 */
import { openStudyDb } from '../data/db';
import { Repo } from '../data/repo';
import type { FromWorker, ToWorker } from './protocol';
import { webLock } from './lock';
import { ModelService } from './service';

// The project compiles against the DOM library; a dedicated worker's scope needs only these two members.
const scope = globalThis as unknown as { postMessage(m: FromWorker): void; onmessage: ((ev: MessageEvent<ToWorker>) => void) | null };

const post = (m: FromWorker) => scope.postMessage(m);
let timer: ReturnType<typeof setTimeout> | null = null;

const service = openStudyDb().then((db) => {
  db.addEventListener('versionchange', () => db.close());
  let s: ModelService | null = null;
  const repo = new Repo(db, (change) => {
    if (change.store === 'checkpoints') {
      // Another tab's trainer saved the model: a read-only tab picks it up.
      if (change.id === 'model') void s?.handle({ type: 'model-changed' });
      return;
    }
    // A rated review or a new review length changes today's plan, not the model's history.
    if (change.store === 'reviews' || change.store === 'settings') return void s?.handle({ type: 'reviews-changed' });
    // A burst of writes (an import, two quick edits) becomes one update.
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void s?.handle({ type: 'data-changed' }), 300);
  });
  // One trainer across tabs (Web Locks); without the API each tab trains on its own.
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  s = new ModelService(repo, post, { lock: locks ? webLock(locks) : undefined });
  return s;
});

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  service
    .then((s) => s.handle(ev.data))
    .catch((e: unknown) => post({ type: 'notice', kind: 'error', text: `The model worker failed: ${e instanceof Error ? e.message : String(e)}` }));
};
