/**
 * Kernel launches by name. Each WGSL entry point gets a declared layout (its
 * storage bindings by WGSL variable name, its uniform struct's fields in
 * order), and a Dispatch is built from buffers named the same way and set by
 * field name, never by slot number. test/kernels/layouts.test.ts checks every
 * declared layout against the @binding declarations and structs in shaders/.
 */
import type { Bindable, GpuContext } from './context';

/** Every uniform field is one 4-byte scalar. */
type UniformType = 'u32' | 'f32';

export interface KernelLayoutSpec<Storage extends string, Field extends string> {
  /** The shader file in shaders/. */
  file: string;
  /** The entry points (@compute fns) that bind exactly these slots. */
  entryPoints: readonly string[];
  /** The uniform: its WGSL variable, binding and struct, and the struct's fields in declaration order. */
  uniform: { name: string; binding: number; struct: string; fields: Record<Field, UniformType> };
  /** WGSL variable name -> @binding slot of each storage buffer. */
  storage: Record<Storage, number>;
}

export interface KernelLayout<Storage extends string = string, Field extends string = string> extends KernelLayoutSpec<Storage, Field> {
  /** Each field's offset in 4-byte words (its place in the struct). */
  readonly offsets: Record<Field, number>;
  /** The struct's size in words, rounded up to 16 bytes as WGSL lays out uniforms. */
  readonly words: number;
}

/** Declare an entry point's layout; field offsets follow the order the fields are written in. */
export function kernelLayout<Storage extends string, Field extends string>(spec: KernelLayoutSpec<Storage, Field>): KernelLayout<Storage, Field> {
  const names = Object.keys(spec.uniform.fields) as Field[];
  const offsets = Object.fromEntries(names.map((name, i) => [name, i])) as Record<Field, number>;
  return { ...spec, offsets, words: Math.max(4, Math.ceil(names.length / 4) * 4) };
}

function entry(binding: number, b: Bindable): GPUBindGroupEntry {
  if ('buffer' in b) return { binding, resource: { buffer: b.buffer, offset: b.offset, size: b.size } };
  return { binding, resource: { buffer: b } };
}

/** Workgroup grid for `n` invocations in workgroups of `size`, folded into y past 65535. */
export function grid1d(n: number, size = 256): [number, number, number] {
  const groups = Math.max(1, Math.ceil(n / size));
  if (groups <= 65535) return [groups, 1, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y, 1];
}

/**
 * One prepared kernel launch: pipeline, bind group and its own uniform buffer,
 * built once and replayed every step. Uniform fields are set by name and
 * uploaded only when they change.
 */
export class Dispatch<Storage extends string = string, Field extends string = string> {
  private readonly u32: Uint32Array;
  private readonly f32: Float32Array;
  private dirty = true;
  private readonly bindGroup: GPUBindGroup;
  private readonly uniformBuffer: GPUBuffer;
  private readonly pipeline: GPUComputePipeline;

  constructor(
    private readonly ctx: GpuContext,
    readonly label: string,
    readonly layout: KernelLayout<Storage, Field>,
    entryPoint: string,
    buffers: Record<Storage, Bindable>,
    public workgroups: [number, number, number],
    constants: Record<string, number> = {},
  ) {
    if (!layout.entryPoints.includes(entryPoint)) throw new Error(`${layout.file} layout does not cover entry point ${entryPoint}`);
    this.pipeline = ctx.pipeline(layout.file, entryPoint, constants);
    const raw = new ArrayBuffer(layout.words * 4);
    this.u32 = new Uint32Array(raw);
    this.f32 = new Float32Array(raw);
    this.uniformBuffer = ctx.uniform(layout.words * 4, `${label}.uniform`);
    const storage = (Object.keys(layout.storage) as Storage[]).map((name) => entry(layout.storage[name], buffers[name]));
    this.bindGroup = ctx.device.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [{ binding: layout.uniform.binding, resource: { buffer: this.uniformBuffer } }, ...storage],
      label,
    });
  }

  /** Set a uniform field by its WGSL name (as u32 or f32, as the struct declares it). */
  set(field: Field, v: number): this {
    const i = this.layout.offsets[field];
    const before = this.u32[i];
    if (this.layout.uniform.fields[field] === 'f32') this.f32[i] = v;
    else this.u32[i] = v >>> 0;
    if (this.u32[i] !== before) this.dirty = true;
    return this;
  }

  /** Every uniform field's current value, by name. */
  uniforms(): Record<Field, number> {
    const names = Object.keys(this.layout.offsets) as Field[];
    return Object.fromEntries(
      names.map((f) => [f, this.layout.uniform.fields[f] === 'f32' ? this.f32[this.layout.offsets[f]] : this.u32[this.layout.offsets[f]]]),
    ) as Record<Field, number>;
  }

  /** Upload the uniforms if they changed; call before the command buffer is submitted. */
  flush(): void {
    if (this.dirty) {
      this.ctx.device.queue.writeBuffer(this.uniformBuffer, 0, this.u32);
      this.dirty = false;
    }
  }

  encode(pass: GPUComputePassEncoder): void {
    this.flush();
    if (this.workgroups[0] === 0 || this.workgroups[1] === 0) return;
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.bindGroup);
    pass.dispatchWorkgroups(this.workgroups[0], this.workgroups[1], this.workgroups[2]);
    this.ctx.dispatchCount++;
  }
}

/** Encode a list of dispatches into one compute pass and submit them. */
export function submit(ctx: GpuContext, dispatches: Dispatch[], extra?: (enc: GPUCommandEncoder) => void, before?: (enc: GPUCommandEncoder) => void): void {
  const enc = ctx.device.createCommandEncoder();
  before?.(enc);
  const pass = enc.beginComputePass();
  for (const d of dispatches) d.encode(pass);
  pass.end();
  extra?.(enc);
  ctx.device.queue.submit([enc.finish()]);
}

/** The Dispatch type of a layout: its storage names and uniform fields. */
export type DispatchOf<L> = L extends KernelLayout<infer Storage, infer Field> ? Dispatch<Storage, Field> : never;
