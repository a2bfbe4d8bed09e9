/**
 * Issue 19: scoring every item for one history from the f32 item table (score_items, scalar and 4 floats per
 * load) against an f16 copy (score_items_f16, 4 halves per load), alternating in one process, and the
 * conversion's own cost (to_f16):
 *   node bench/run.mjs bench/scoreF16.ts [--items 23715] [--dim 64] [--reps 50] [--json]   (under scripts/gpu-env.sh)
 * Each figure is the median over 7 trials of `reps` launches in one submission, timed to the queue's end.
 */
import { gpu } from './webgpu-node';
import { GpuContext, acquireDevice } from '../src/gpu/context';
import type { Dispatch } from '../src/gpu/dispatch';
import { halfStorage, scoreItems, scoreItemsF16, toF16 } from '../src/kernels/score';
import { Rng } from '../src/model/random';
import { msPerLaunch } from './launchTiming';
import { middle, numberFlag } from './cli';

export async function main(args: string[]): Promise<void> {
  const get = (n: string, d: number) => numberFlag(args, n, d);
  const items = get('items', 23715);
  const C = get('dim', 64);
  const reps = get('reps', 50);
  const ctx = new GpuContext(await acquireDevice(gpu));
  if (!ctx.f16) throw new Error(`${ctx.adapterName} has no shader-f16`);
  const rows = items + 1;
  const rng = new Rng(3);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() - 0.5);
  /** (rows, C) item table, its f16 copy, (C) one hidden state, (rows) scores. */
  const E = ctx.upload(rand(rows * C), 'E');
  const E16 = halfStorage(ctx, rows * C, 'E16');
  const h = ctx.upload(rand(C), 'h');
  const scores = ctx.storage(rows, 'scores');
  const kernels: Record<string, Dispatch> = {
    score_items: scoreItems(ctx, { h, E, scores, rows, C, vec4: false }),
    score_items_vec4: scoreItems(ctx, { h, E, scores, rows, C }),
    score_items_f16: scoreItemsF16(ctx, { h, E16, scores, rows, C }),
    to_f16: toF16(ctx, { E, E16, n: rows * C }),
  };
  const time = (d: Dispatch) => msPerLaunch(ctx, d, reps);

  const times: Record<string, number[]> = Object.fromEntries(Object.keys(kernels).map((k) => [k, []]));
  for (const d of Object.values(kernels)) await time(d); // pipelines compiled, E16 written
  for (let t = 0; t < 7; t++) for (const [name, d] of Object.entries(kernels)) times[name].push(await time(d));
  const ms = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, +middle(v).toFixed(4)]));
  // The f16 kernel reads 4 halves at a time: its gain over f32 is measured against the f32 kernel that reads 4 floats at a time.
  const result = {
    adapter: ctx.adapterName,
    items,
    dim: C,
    reps,
    ms,
    vec4_speedup: +(ms.score_items / ms.score_items_vec4).toFixed(3),
    f16_speedup: +(ms.score_items_vec4 / ms.score_items_f16).toFixed(3),
  };
  process.stderr.write(
    `${ctx.adapterName}: ${items} items x ${C}: score_items ${ms.score_items} ms, score_items_vec4 ${ms.score_items_vec4} ms (${result.vec4_speedup}x), score_items_f16 ${ms.score_items_f16} ms (${result.f16_speedup}x over vec4), to_f16 ${ms.to_f16} ms\n`,
  );
  if (args.includes('--json')) console.log(JSON.stringify(result));
  ctx.destroy();
}
