/**
 * The matmul variants on the model's shapes, alternating in one process
 * (median wall time and process CPU time of 4 runs each):
 *   node bench/run.mjs bench/matmul.ts   (under scripts/gpu-env.sh)
 */
import { gpu } from './webgpu-node';
import { GpuContext, acquireDevice } from '../src/gpu/context';
import { submit } from '../src/gpu/dispatch';
import { matmul } from '../src/kernels/matmul';

export async function main(): Promise<void> {
  const ctx = new GpuContext(await acquireDevice(gpu));
  const shapes: [string, number, number, number, boolean, boolean][] = [
    ['qkv forward (BT x C)·(C x 3C)', 6400, 192, 64, false, false],
    ['dW = X^T·dY', 64, 192, 6400, true, false],
    ['dX = dY·W^T', 6400, 64, 192, false, true],
    ['proj forward (BT x C)·(C x C)', 6400, 64, 64, false, false],
    ['scoring (128 x C)·(C x items)', 128, 23716, 64, false, true],
  ];
  console.log(`adapter: ${ctx.adapterName}`);
  for (const [name, M, N, K, ta, tb] of shapes) {
    const a = ctx.storage(M * K, 'a');
    const b = ctx.storage(K * N, 'b');
    const c = ctx.storage(M * N, 'c');
    const variants = ['tiled', 'direct', 'vec4'] as const;
    const times = new Map<string, number[]>();
    /** Process CPU time (all threads): on a software adapter, the kernel's work; steadier than wall time under load. */
    const cpu = new Map<string, number[]>();
    for (let rep = 0; rep < 5; rep++) {
      for (const v of variants) {
        const variant = v === 'tiled' ? 'tiled' : 'direct';
        const d = matmul(ctx, { a, b, out: c, M, N, K, transA: ta, transB: tb, variant, vec4: v === 'vec4' });
        await ctx.sync();
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        submit(ctx, [d]);
        await ctx.sync();
        const cu = process.cpuUsage(c0);
        if (rep > 0) times.set(v, [...(times.get(v) ?? []), performance.now() - t0]);
        if (rep > 0) cpu.set(v, [...(cpu.get(v) ?? []), (cu.user + cu.system) / 1000]);
      }
    }
    const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
    console.log(`${name}: ` + variants.map((v) => `${v} ${med(times.get(v)!).toFixed(1)} ms (CPU ${med(cpu.get(v)!).toFixed(1)} ms)`).join(', '));
  }
}
