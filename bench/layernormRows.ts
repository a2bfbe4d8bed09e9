/**
 * Issue 19: LayerNorm's two row kernels with a row per invocation (layernorm.wgsl) against a row per
 * subgroup (layernorm_subgroup.wgsl), forward + input gradient, alternating in one process:
 *   node bench/run.mjs bench/layernormRows.ts [--rows 6400] [--dim 64] [--json]   (under scripts/gpu-env.sh)
 * 6,400 rows of 64: the default model's batch (128 × 50). Median of 7 trials of 20 pairs in one submission.
 */
import { gpu } from './webgpu-node';
import { GpuContext, acquireDevice } from '../src/gpu/context';
import { submit } from '../src/gpu/dispatch';
import { layernormBackward, layernormForward, type RowVariant } from '../src/kernels/layernorm';
import { Rng } from '../src/model/random';
import { middle, numberFlag } from './cli';

export async function main(args: string[]): Promise<void> {
  const get = (n: string, d: number) => numberFlag(args, n, d);
  const rows = get('rows', 6400);
  const C = get('dim', 64);
  const ctx = new GpuContext(await acquireDevice(gpu));
  if (!ctx.subgroups) throw new Error(`${ctx.adapterName} has no subgroups`);
  const rng = new Rng(5);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  /** (rows, C) input and upstream gradient, [gamma; beta] (2C), (rows, C) output and input gradient, (rows, 2) stats. */
  const x = ctx.upload(rand(rows * C), 'x');
  const dout = ctx.upload(rand(rows * C), 'dout');
  const ln = ctx.upload(rand(2 * C), 'ln');
  const out = ctx.storage(rows * C, 'out');
  const dx = ctx.storage(rows * C, 'dx');
  const stats = ctx.storage(2 * rows, 'stats');
  const launches = (variant: RowVariant) =>
    Array.from({ length: 20 }, () => [
      layernormForward(ctx, { x, ln, out, stats, rows, C, variant }),
      layernormBackward(ctx, { dout, x, stats, ln, dx, rows, C, variant }),
    ]).flat();
  const variants = { invocation: launches('invocation'), subgroup: launches('subgroup') };
  const times: Record<RowVariant, number[]> = { invocation: [], subgroup: [] };
  for (let t = 0; t < 8; t++)
    for (const v of ['invocation', 'subgroup'] as const) {
      await ctx.sync();
      const t0 = performance.now();
      submit(ctx, variants[v]);
      await ctx.sync();
      if (t > 0) times[v].push((performance.now() - t0) / 20); // the first trial compiles
    }
  const ms = { invocation: +middle(times.invocation).toFixed(3), subgroup: +middle(times.subgroup).toFixed(3) };
  const result = {
    adapter: ctx.adapterName,
    subgroup_max_size: ctx.subgroupMaxSize,
    rows,
    dim: C,
    ms_per_forward_and_backward: ms,
    subgroup_speedup: +(ms.invocation / ms.subgroup).toFixed(3),
  };
  process.stderr.write(
    `${ctx.adapterName}: ${rows} rows of ${C}, forward + input gradient: a row per invocation ${ms.invocation} ms, per subgroup ${ms.subgroup} ms\n`,
  );
  if (args.includes('--json')) console.log(JSON.stringify(result));
  ctx.destroy();
}
