/**
 * Test-side WebGPU: Dawn's Node binding (npm `webgpu`) on whatever Vulkan
 * driver scripts/setup-software-gpu.sh installed (Mesa lavapipe on CI).
 */
import { create, globals } from 'webgpu';
import { GpuContext, acquireDevice } from '../../src/gpu/context';

let shared: Promise<GpuContext> | null = null;

export function gpuContext(): Promise<GpuContext> {
  if (!shared) {
    Object.assign(globalThis, globals);
    const gpu = create([]) as unknown as GPU;
    shared = acquireDevice(gpu).then((d) => new GpuContext(d));
  }
  return shared;
}

/** The one seed source (test/support.ts), here too for the GPU tests that import it from this module. */
export { testSeed } from './harness';

export function relErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  if (got.length !== want.length) throw new Error(`length ${got.length} != ${want.length}`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < want.length; i++) {
    const d = got[i] - want[i];
    num += d * d;
    den += want[i] * want[i];
  }
  if (den === 0) return Math.sqrt(num);
  return Math.sqrt(num / den);
}
