/**
 * Snapshots of a bench:quality run (issue 19, "time to reach HR@10 0.741"): with --snapshots DIR, the
 * parameters after every --snapshot-every epochs go to DIR/epoch-<n>.bin, and DIR/index.json lists each with
 * the training time so far (the steps only: no evaluation, no saving) and the run's options. Nothing of the
 * test split is read while training; bench/timeToTarget.ts scores the snapshots on test afterwards.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Opts } from './qualityArgs';

export interface Snapshot {
  epoch: number;
  /** Seconds of training steps up to the end of this epoch. */
  train_seconds: number;
  steps: number;
  file: string;
}

export interface SnapshotIndex {
  /** The run's options (data, seed, evaluation users...): the same test cases can be drawn again from them. */
  opts: Opts;
  adapter: string;
  snapshots: Snapshot[];
}

const indexFile = (dir: string) => join(dir, 'index.json');

export function readSnapshotIndex(dir: string): SnapshotIndex {
  const f = indexFile(dir);
  if (!existsSync(f)) throw new Error(`${f} is missing: make snapshots with bench:quality --snapshots ${dir}`);
  return JSON.parse(readFileSync(f, 'utf8')) as SnapshotIndex;
}

/** Called after each epoch of a run with --snapshots; keeps the index of a resumed run (--checkpoint). */
export function snapshotWriter(o: Opts, adapter: string) {
  if (!o.snapshots) return { after: async () => {} };
  mkdirSync(o.snapshots, { recursive: true });
  const index: SnapshotIndex = existsSync(indexFile(o.snapshots)) ? readSnapshotIndex(o.snapshots) : { opts: o, adapter, snapshots: [] };
  return {
    async after(epoch: number, trainSeconds: number, steps: number, save: () => Promise<Uint8Array>): Promise<void> {
      if (epoch % o.snapshotEvery !== 0) return;
      const file = `epoch-${epoch}.bin`;
      writeFileSync(join(o.snapshots, file), await save());
      index.snapshots = [...index.snapshots.filter((s) => s.epoch !== epoch), { epoch, train_seconds: +trainSeconds.toFixed(3), steps, file }];
      writeFileSync(`${indexFile(o.snapshots)}.tmp`, JSON.stringify(index, null, 1));
      renameSync(`${indexFile(o.snapshots)}.tmp`, indexFile(o.snapshots));
    },
  };
}
