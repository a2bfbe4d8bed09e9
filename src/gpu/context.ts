/**
 * The only code that talks to the WebGPU API: device acquisition, buffers,
 * pipelines (cached), dispatch objects and read-back.
 */
import { shaderSource } from './shaders';

export interface AcquiredDevice {
  device: GPUDevice;
  adapterName: string;
  /** A CPU implementation (llvmpipe, SwiftShader, or the adapter says it is a fallback). */
  software: boolean;
  /**
   * Kept referenced for the device's whole life: in Dawn's Node binding a
   * collected GPU (instance) object frees state that the device's event
   * processing still uses, and the process crashes.
   */
  gpu: GPU;
  adapter: GPUAdapter;
  /** The device has the `subgroups` feature (kernels with subgroup operations may be used). */
  subgroups: boolean;
  /** The largest subgroup the adapter may run (info.subgroupMaxSize; 64 when it does not say). */
  subgroupMaxSize: number;
  /** The device has `shader-f16` (half-precision storage and arithmetic in WGSL). */
  f16: boolean;
}

/** Optional features the engine uses when the adapter offers them; false leaves one out (to test the path without it). */
export interface FeatureChoice {
  subgroups?: boolean;
  f16?: boolean;
}

/** Request a device with the larger limits the engine needs, where the adapter has them. */
export async function acquireDevice(
  gpu: GPU | undefined = globalThis.navigator?.gpu,
  options: GPURequestAdapterOptions = {},
  features: FeatureChoice = {},
): Promise<AcquiredDevice> {
  if (!gpu) throw new Error('WebGPU is not available (navigator.gpu is missing)');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance', ...options });
  if (!adapter) throw new Error('WebGPU is available but no adapter was found');
  const l = adapter.limits;
  const subgroups = features.subgroups !== false && adapter.features.has('subgroups');
  const f16 = features.f16 !== false && adapter.features.has('shader-f16');
  const device = await adapter.requestDevice({
    requiredFeatures: [...(subgroups ? ['subgroups' as GPUFeatureName] : []), ...(f16 ? ['shader-f16' as GPUFeatureName] : [])],
    requiredLimits: {
      maxStorageBuffersPerShaderStage: Math.min(l.maxStorageBuffersPerShaderStage, 10),
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    },
  });
  const info = adapter.info;
  const adapterName = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0).join(' / ') || 'unknown adapter';
  const fallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const software = fallback || /llvmpipe|lavapipe|swiftshader|software/i.test(adapterName);
  const subgroupMaxSize = (info as GPUAdapterInfo & { subgroupMaxSize?: number }).subgroupMaxSize ?? 64;
  return { device, adapterName, gpu, adapter, software, subgroups: device.features.has('subgroups'), subgroupMaxSize, f16: device.features.has('shader-f16') };
}

export interface BufferSlice {
  buffer: GPUBuffer;
  /** Bytes. */
  offset: number;
  /** Bytes. */
  size: number;
}

export type Bindable = GPUBuffer | BufferSlice;

/**
 * Resolve on a fresh macrotask. Dawn resolves its promises from inside native
 * callbacks; continuing straight into another WebGPU call from there can
 * re-enter the device while Dawn still holds its lock (seen as a crash in
 * Dawn's Node binding). Every await on a WebGPU promise goes through this.
 */
async function settle<T>(p: Promise<T>): Promise<T> {
  const v = await p;
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
  return v;
}

const STORAGE = 0x80; // GPUBufferUsage.STORAGE
const COPY_SRC = 0x04;
const COPY_DST = 0x08;
const UNIFORM = 0x40;
const MAP_READ = 0x01;

export class GpuContext {
  readonly device: GPUDevice;
  readonly adapterName: string;
  /** Kernel choices differ on CPU implementations of WebGPU (see matmul). */
  softwareAdapter: boolean;
  /** Held so that neither is garbage-collected while the device lives. */
  readonly gpu: GPU;
  readonly adapter: GPUAdapter;
  private pipelines = new Map<string, GPUComputePipeline>();
  private modules = new Map<string, GPUShaderModule>();
  private dummy: GPUBuffer | null = null;
  /** Every buffer this context created, for destroy(). */
  private owned: GPUBuffer[] = [];
  /** Compute dispatches encoded so far (counted by Dispatch.encode; benchmarks read differences). */
  dispatchCount = 0;
  /** The device has `subgroups`: kernels with subgroup operations can run. */
  readonly subgroups: boolean;
  readonly subgroupMaxSize: number;
  /** The device has `shader-f16`: kernels with half-precision buffers can run (kernels/score.ts). */
  readonly f16: boolean;
  /**
   * Row kernels (LayerNorm) give each row a subgroup instead of an invocation: where the device has subgroups
   * and is a GPU. On llvmpipe, a row per invocation measured faster (bench/RESULTS.md, issue 19). A benchmark
   * may flip it before building a model; a kernel test forces either per launch.
   */
  subgroupRows: boolean;

  constructor(acquired: AcquiredDevice) {
    this.device = acquired.device;
    this.adapterName = acquired.adapterName;
    this.softwareAdapter = acquired.software;
    this.gpu = acquired.gpu;
    this.adapter = acquired.adapter;
    this.subgroups = acquired.subgroups;
    this.subgroupMaxSize = acquired.subgroupMaxSize;
    this.subgroupRows = acquired.subgroups && !acquired.software;
    this.f16 = acquired.f16;
    this.device.addEventListener('uncapturederror', (ev) => {
      this.pendingError ??= (ev as GPUUncapturedErrorEvent).error.message;
    });
    void this.device.lost.then((info) => {
      this.lost = info.message || info.reason || 'device lost';
    });
  }

  /** First WebGPU error nobody caught since the last read; thrown by the next read. */
  private pendingError: string | null = null;
  /** Set when the device is lost (driver reset, GPU removed): every later read throws. */
  lost: string | null = null;

  private throwIfFailed(): void {
    if (this.lost) throw new Error(`WebGPU device lost: ${this.lost}`);
    if (this.pendingError) {
      const e = this.pendingError;
      this.pendingError = null;
      throw new Error(`WebGPU error: ${e}`);
    }
  }

  /** Wait until the queue has finished everything submitted so far. */
  async sync(): Promise<void> {
    await settle(this.device.queue.onSubmittedWorkDone());
    this.throwIfFailed();
  }

  static async create(gpu?: GPU, features: FeatureChoice = {}): Promise<GpuContext> {
    return new GpuContext(await acquireDevice(gpu, {}, features));
  }

  /** A storage buffer of `floats` 4-byte elements (at least 4 bytes). */
  storage(floats: number, label: string): GPUBuffer {
    const size = Math.max(16, Math.ceil((floats * 4) / 16) * 16);
    if (size > this.device.limits.maxStorageBufferBindingSize) {
      throw new Error(
        `buffer ${label} needs ${(size / 2 ** 20).toFixed(1)} MiB, over this adapter's limit of ${(this.device.limits.maxStorageBufferBindingSize / 2 ** 20).toFixed(0)} MiB per binding`,
      );
    }
    const b = this.device.createBuffer({ size, usage: STORAGE | COPY_SRC | COPY_DST, label });
    this.owned.push(b);
    return b;
  }

  uniform(bytes: number, label: string): GPUBuffer {
    const b = this.device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: UNIFORM | COPY_DST, label });
    this.owned.push(b);
    return b;
  }

  /** A small buffer bound where a shader declares an input that a dispatch does not use. */
  unused(): GPUBuffer {
    if (!this.dummy) this.dummy = this.storage(4, 'unused');
    return this.dummy;
  }

  write(target: Bindable, data: ArrayBufferView, offsetBytes = 0): void {
    const { buffer, offset } = 'buffer' in target ? target : { buffer: target, offset: 0 };
    this.device.queue.writeBuffer(buffer, offset + offsetBytes, data.buffer, data.byteOffset, data.byteLength);
  }

  upload(data: Float32Array | Int32Array | Uint32Array, label: string): GPUBuffer {
    const b = this.storage(data.length, label);
    this.write(b, data);
    return b;
  }

  /**
   * Read-back staging buffers, pooled by size and never dropped: a mapped
   * buffer left to the garbage collector can be finalised while Dawn's Node
   * binding is processing events, which crashes it (see README, "Dawn in Node").
   */
  private stagingPool = new Map<number, GPUBuffer[]>();

  private takeStaging(bytes: number): GPUBuffer {
    const size = Math.max(256, 2 ** Math.ceil(Math.log2(bytes)));
    const free = this.stagingPool.get(size);
    const b = free?.pop();
    if (b) return b;
    return this.device.createBuffer({ size, usage: MAP_READ | COPY_DST, label: `readback.${size}` });
  }

  private giveStaging(b: GPUBuffer): void {
    const list = this.stagingPool.get(b.size) ?? [];
    list.push(b);
    this.stagingPool.set(b.size, list);
  }

  /** Copy `bytes` from a buffer (or slice) back to the CPU. */
  async read(src: Bindable, bytes?: number): Promise<ArrayBuffer> {
    const { buffer, offset, size } = 'buffer' in src ? src : { buffer: src, offset: 0, size: src.size };
    const n = bytes ?? size;
    const copyBytes = Math.ceil(n / 4) * 4;
    const staging = this.takeStaging(copyBytes);
    try {
      const enc = this.device.createCommandEncoder();
      enc.copyBufferToBuffer(buffer, offset, staging, 0, copyBytes);
      this.device.queue.submit([enc.finish()]);
      await settle(staging.mapAsync(MAP_READ, 0, copyBytes));
      const out = staging.getMappedRange(0, copyBytes).slice(0, n);
      staging.unmap();
      this.throwIfFailed();
      return out;
    } finally {
      this.giveStaging(staging);
    }
  }

  async readF32(src: Bindable, count?: number): Promise<Float32Array> {
    return new Float32Array(await this.read(src, count === undefined ? undefined : count * 4));
  }

  module(file: string): GPUShaderModule {
    let m = this.modules.get(file);
    if (!m) {
      m = this.device.createShaderModule({ code: shaderSource(file), label: file });
      this.modules.set(file, m);
    }
    return m;
  }

  pipeline(file: string, entryPoint: string, constants: Record<string, number> = {}): GPUComputePipeline {
    const key = `${file}:${entryPoint}:${JSON.stringify(constants)}`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module: this.module(file), entryPoint, constants }, label: key });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** Surface shader-compilation and validation errors as exceptions. */
  async checkErrors<T>(fn: () => T | Promise<T>): Promise<T> {
    this.device.pushErrorScope('validation');
    this.device.pushErrorScope('out-of-memory');
    let result: T;
    try {
      result = await fn();
    } finally {
      const oom = await settle(this.device.popErrorScope());
      const val = await settle(this.device.popErrorScope());
      // A WebGPU error is the cause of whatever fn threw, so it is the one to report.
      // eslint-disable-next-line no-unsafe-finally
      if (val) throw new Error(`WebGPU validation error: ${val.message}`);
      // eslint-disable-next-line no-unsafe-finally
      if (oom) throw new Error(`WebGPU out of memory: ${oom.message}`);
    }
    return result;
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.owned = [];
    for (const list of this.stagingPool.values()) for (const b of list) b.destroy();
    this.stagingPool.clear();
  }
}

export function slice(buffer: GPUBuffer, offsetFloats: number, floats: number): BufferSlice {
  return { buffer, offset: offsetFloats * 4, size: Math.max(4, floats * 4) };
}
