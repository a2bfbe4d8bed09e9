/**
 * Issue 19: how long training took to reach a test HR@10, computed afterwards from the snapshots a
 * bench:quality run saved (bench/snapshots.ts), so that no test data was read while it trained.
 *
 *   npm run bench:time-to-target -- --snapshots DIR [--target 0.741] [--data FILE] [--json]
 *
 * Each snapshot, in training order, is scored on the run's test cases (the paper's protocol: the true item
 * among 100 sampled ones, the same seeded draw as the run); it stops at the first that reaches the target.
 * --data: where the run's data file is now, when it has moved (the other options come from the index).
 * One JSON line with --json: {"target", "reached", "epoch", "train_seconds", "hr10", "ndcg10", "curve": [...]}.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeConfig } from '../src/model/config';
import { evaluateModel } from '../src/eval/evaluate';
import { qualityData, qualityModel } from './qualityModel';
import { readSnapshotIndex } from './snapshots';
import { flag } from './cli';

export async function main(args: string[]): Promise<void> {
  const arg = (name: string) => flag(args, name);
  const dir = arg('snapshots');
  if (!dir) throw new Error('--snapshots DIR is required (a folder made by bench:quality --snapshots DIR)');
  const target = Number(arg('target') ?? '0.741');
  if (!(target > 0 && target <= 1)) throw new Error(`--target must be a hit rate in (0, 1], got ${arg('target')}`);
  const index = readSnapshotIndex(dir);
  const o = { ...index.opts, data: arg('data') ?? index.opts.data, json: args.includes('--json') };
  const log = (s: string) => process.stderr.write(s + '\n');
  const { data, testCases } = qualityData(o);
  const cfg = makeConfig({ items: data.items, maxlen: o.maxlen, dim: o.dim, blocks: o.blocks, heads: o.heads, dropout: o.dropout, loss: o.loss });
  const model = await qualityModel(o, cfg);
  log(`${index.snapshots.length} snapshots of a run on ${index.adapter}; scoring on ${model.adapter}, ${testCases.length} test users, target HR@10 ${target}`);
  const curve: { epoch: number; train_seconds: number; hr10: number; ndcg10: number }[] = [];
  let reached: (typeof curve)[number] | null = null;
  for (const s of [...index.snapshots].sort((a, b) => a.epoch - b.epoch)) {
    model.restore(new Uint8Array(readFileSync(join(dir, s.file))));
    const m = await evaluateModel(testCases, cfg.dim, model.encode, await model.itemTable());
    curve.push({ epoch: s.epoch, train_seconds: s.train_seconds, hr10: +m.hr10.toFixed(4), ndcg10: +m.ndcg10.toFixed(4) });
    log(`epoch ${s.epoch} after ${s.train_seconds.toFixed(1)} s of training: test HR@10 ${m.hr10.toFixed(4)}  NDCG@10 ${m.ndcg10.toFixed(4)}`);
    if (m.hr10 >= target) {
      reached = curve[curve.length - 1];
      break;
    }
  }
  const result = {
    target,
    reached: reached !== null,
    epoch: reached?.epoch ?? null,
    train_seconds: reached?.train_seconds ?? null,
    hr10: reached?.hr10 ?? null,
    ndcg10: reached?.ndcg10 ?? null,
    adapter: index.adapter,
    curve,
  };
  log(
    reached
      ? `reached HR@10 ${reached.hr10} >= ${target} at epoch ${reached.epoch}, after ${reached.train_seconds} s of training`
      : `never reached HR@10 ${target}`,
  );
  if (o.json) console.log(JSON.stringify(result));
}
