/**
 * FLOP/s of the scoring matrix product: hidden states (rows, C) against the
 * whole item table (items + 1, C), scores (rows, items + 1) = H . E^T, through
 * the engine's own matmul launcher (the product the full-catalog softmax head
 * runs chunk by chunk, and batched scoring). 2 * rows * (items + 1) * C FLOP
 * per product; `reps` products in one submission, timed to the queue's end,
 * median over `trials`. With a peak (GFLOP/s, given by the caller), also the
 * share of it.
 */
import type { GpuContext } from '../src/gpu/context';
import { matmul } from '../src/kernels/matmul';
import { Rng } from '../src/model/random';
import { msPerLaunch } from './launchTiming';
import { middle } from './cli';

export interface ScoringFlops {
  rows: number;
  items: number;
  dim: number;
  variant: string;
  ms_per_product: number;
  gflops: number;
  peak_gflops?: number;
  share_of_peak?: number;
}

export async function scoringFlops(
  ctx: GpuContext,
  a: { rows: number; items: number; dim: number; peakGflops?: number; reps?: number; trials?: number },
): Promise<ScoringFlops> {
  const { rows, dim: C } = a;
  const N = a.items + 1;
  const reps = a.reps ?? 3;
  const rng = new Rng(11);
  const rand = (n: number) => Float32Array.from({ length: n }, () => rng.next() - 0.5);
  /** (rows, C) hidden states. */
  const h = ctx.upload(rand(rows * C), 'flops.h');
  /** (N, C) item table. */
  const E = ctx.upload(rand(N * C), 'flops.E');
  /** (rows, N) scores. */
  const scores = ctx.storage(rows * N, 'flops.scores');
  const d = matmul(ctx, { a: h, b: E, out: scores, M: rows, N, K: C, transB: true }, 'scoring_product');
  const run = () => msPerLaunch(ctx, d, reps);
  await run(); // pipeline compilation
  const times: number[] = [];
  for (let t = 0; t < (a.trials ?? 3); t++) times.push(await run());
  const ms = middle(times);
  const gflops = (2 * rows * N * C) / (ms * 1e6);
  const out: ScoringFlops = {
    rows,
    items: a.items,
    dim: C,
    variant: d.usesVec4 ? 'vec4' : d.direct ? 'direct' : 'tiled',
    ms_per_product: +ms.toFixed(3),
    gflops: +gflops.toFixed(3),
  };
  if (a.peakGflops && a.peakGflops > 0) {
    out.peak_gflops = a.peakGflops;
    out.share_of_peak = +(gflops / a.peakGflops).toFixed(4);
  }
  return out;
}
