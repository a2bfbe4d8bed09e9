/**
 * Per-dispatch time of one training step on the default configuration:
 *   node bench/run.mjs bench/profile.ts [--items N --batch N ...]
 */
import { gpu } from './webgpu-node';
import { GpuContext, acquireDevice } from '../src/gpu/context';
import { GpuEngine } from '../src/model/engine';
import { DEFAULT_CONFIG, makeConfig } from '../src/model/config';
import { Rng } from '../src/model/random';
import { sequenceBatch } from '../src/train/sampling';
import { numberFlag } from './cli';

export async function main(args: string[]): Promise<void> {
  const get = (n: string, d: number) => numberFlag(args, n, d);
  const cfg = makeConfig({ ...DEFAULT_CONFIG, items: get('items', DEFAULT_CONFIG.items) });
  const B = get('batch', 128);
  const ctx = new GpuContext(await acquireDevice(gpu));
  const attention = args.includes('--fused') ? 'fused' : 'gemm';
  const eng = await GpuEngine.create(ctx, cfg, { batchSize: B, attention });
  const rng = new Rng(1);
  const seqs = Array.from({ length: B }, () => Array.from({ length: cfg.maxlen + 1 }, () => rng.int(1, cfg.items + 1)));
  const batch = sequenceBatch(cfg, seqs, B, rng);
  await eng.trainStep(batch);
  const rows = await eng.profileStep(batch);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  const byLabel = new Map<string, number>();
  for (const r of rows) {
    const key = r.label.replace(/^b\d+\./, 'b*.');
    byLabel.set(key, (byLabel.get(key) ?? 0) + r.ms);
  }
  console.log(`adapter: ${ctx.adapterName}; attention ${attention}; total ${total.toFixed(1)} ms over ${rows.length} dispatches`);
  for (const [label, ms] of [...byLabel.entries()].sort((a, b) => b[1] - a[1])) {
    console.log(`${ms.toFixed(1).padStart(8)} ms  ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${label}`);
  }
  ctx.destroy();
}
