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

/** Fresh random inputs each run; the seed is printed so a failure can be replayed. */
export function testSeed(): number {
  const env = process.env.TEST_SEED;
  const seed = env ? Number(env) : Math.floor(Math.random() * 2 ** 31);
  return seed;
}

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
