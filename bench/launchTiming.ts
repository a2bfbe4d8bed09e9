/**
 * The time of one kernel launch: `reps` launches of it in one compute pass and one submission, timed from an
 * idle queue to the queue's end, divided by `reps` (so the submission's own cost is shared out).
 */
import type { GpuContext } from '../src/gpu/context';
import type { Dispatch } from '../src/gpu/dispatch';

export async function msPerLaunch(ctx: GpuContext, d: Dispatch, reps: number): Promise<number> {
  await ctx.sync();
  const t0 = performance.now();
  const enc = ctx.device.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (let r = 0; r < reps; r++) d.encode(pass);
  pass.end();
  ctx.device.queue.submit([enc.finish()]);
  await ctx.sync();
  return (performance.now() - t0) / reps;
}
