/**
 * Shared by the kernel tests: the Node WebGPU context, this file's random
 * draws (fresh each run; TEST_SEED replays them) and small helpers. Every
 * kernel is checked against its float64 reference on awkward sizes (no
 * multiple of any tile; T in {1, 7, 50}; B in {1, 13}), with relative error
 * below FWD forward and BWD backward.
 */
import { beforeAll } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import { submit, type Dispatch } from '../../src/gpu/dispatch';
import { Rng } from '../../src/model/random';
import { gpuContext, testSeed } from './gpu';

export const FWD = 1e-4;
export const BWD = 1e-3;
export const seed = testSeed();
export const rng = new Rng(seed);
let context: GpuContext | null = null;

/** Call once at a test file's top: its tests then reach the device through kernelContext(). */
export function useKernelContext(name: string): void {
  beforeAll(async () => {
    context = await gpuContext();
    console.log(`${name}: seed ${seed} on ${context.adapterName}`);
  });
}

export function kernelContext(): GpuContext {
  if (!context) throw new Error('useKernelContext() was not called');
  return context;
}

export function randn(n: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * scale;
  return a;
}

export async function run(ds: Dispatch[]): Promise<void> {
  const ctx = kernelContext();
  await ctx.checkErrors(async () => {
    submit(ctx, ds);
    await ctx.sync();
  });
}

export const read = (b: GPUBuffer, n: number) => kernelContext().readF32(b, n);
export const f64 = (a: ArrayLike<number>) => Float64Array.from(a);
export const msg = (what: string) => `${what} (TEST_SEED=${seed})`;

/** Left-padded ids: each row has a random history length in 0..T (some rows empty). */
export function paddedIds(B: number, T: number, items: number): Int32Array {
  const ids = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const len = b === 0 ? T : rng.int(0, T + 1);
    for (let t = T - len; t < T; t++) ids[b * T + t] = rng.int(1, items + 1);
  }
  return ids;
}
