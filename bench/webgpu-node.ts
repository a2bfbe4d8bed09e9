/**
 * WebGPU for Node benchmarks: Dawn's binding installed as navigator.gpu.
 * Import this before any module that looks for navigator.gpu at load time
 * (TF.js's WebGPU backend registers itself only if it is there), so TF.js and
 * our engine share one instance and one adapter.
 */
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
export const gpu = create([]) as unknown as GPU;
if (!('navigator' in globalThis) || !(globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu) {
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
}
