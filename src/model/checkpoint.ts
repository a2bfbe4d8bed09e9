/**
 * Versioned binary checkpoint: every parameter and the AdamW state.
 *   bytes 0..3   magic "SPCK"
 *   bytes 4..7   format version (u32, little-endian)
 *   bytes 8..11  header length H (u32)
 *   H bytes      JSON header: config, optimizer, seed, step, tensor table
 *   pad to 4     then params, m, v as float32 (layout.total each)
 *
 * Every number must be finite: encoding refuses a model with a NaN or an
 * infinity (a checkpoint is never written with one) and decoding refuses a
 * blob that holds one (a model is never loaded with one).
 */
import { validateConfig, type ModelConfig, type OptimizerConfig } from './config';
import { parameterLayout } from './parameters';

const CHECKPOINT_MAGIC = 0x4b435053; // "SPCK" read as little-endian u32
const CHECKPOINT_VERSION = 1;

export interface CheckpointData {
  config: ModelConfig;
  optimizer: OptimizerConfig;
  seed: number;
  step: number;
  params: Float32Array;
  m: Float32Array;
  v: Float32Array;
}

interface Header {
  config: ModelConfig;
  optimizer: OptimizerConfig;
  seed: number;
  step: number;
  total: number;
  tensors: { name: string; shape: number[]; offset: number }[];
}

/** A checkpoint refused because a weight or optimizer value is NaN or infinite. */
export class NonFiniteWeightsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteWeightsError';
  }
}

/** Names the first non-finite value of params, m and v (tensor and index) and how many there are; null when all are finite. */
function nonFiniteWeights(d: Pick<CheckpointData, 'config' | 'params' | 'm' | 'v'>): string | null {
  const layout = parameterLayout(d.config);
  let count = 0;
  let first = '';
  for (const [part, arr] of [
    ['weights', d.params],
    ['optimizer moments m', d.m],
    ['optimizer moments v', d.v],
  ] as const) {
    for (let i = 0; i < layout.total; i++) {
      const x = arr[i];
      if (Number.isFinite(x)) continue;
      if (count++ === 0) {
        const t = layout.tensors.find((t) => i >= t.offset && i < t.offset + t.size);
        first = `${x} in the ${part} of ${t ? `${t.name}[${i - t.offset}]` : `index ${i}`}`;
      }
    }
  }
  return count === 0 ? null : `${count} value${count === 1 ? ' is' : 's are'} not finite (the first: ${first})`;
}

export function encodeCheckpoint(d: CheckpointData): Uint8Array {
  const layout = parameterLayout(d.config);
  const bad = nonFiniteWeights(d);
  if (bad) throw new NonFiniteWeightsError(`checkpoint: not written, ${bad}`);
  const header: Header = {
    config: d.config,
    optimizer: d.optimizer,
    seed: d.seed,
    step: d.step,
    total: layout.total,
    tensors: layout.tensors.map((t) => ({ name: t.name, shape: t.shape, offset: t.offset })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataAt = Math.ceil((12 + json.length) / 4) * 4;
  const out = new Uint8Array(dataAt + 3 * layout.total * 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, CHECKPOINT_MAGIC, true);
  view.setUint32(4, CHECKPOINT_VERSION, true);
  view.setUint32(8, json.length, true);
  out.set(json, 12);
  const f = new Float32Array(out.buffer, dataAt, 3 * layout.total);
  f.set(d.params.subarray(0, layout.total), 0);
  f.set(d.m.subarray(0, layout.total), layout.total);
  f.set(d.v.subarray(0, layout.total), 2 * layout.total);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array): CheckpointData {
  if (bytes.length < 12) throw new Error('checkpoint: too short to be a checkpoint');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== CHECKPOINT_MAGIC) throw new Error('checkpoint: not a checkpoint (bad magic number)');
  const version = view.getUint32(4, true);
  if (version !== CHECKPOINT_VERSION)
    throw new Error(`checkpoint: format version ${version} is not supported (this build reads version ${CHECKPOINT_VERSION})`);
  const hlen = view.getUint32(8, true);
  if (12 + hlen > bytes.length) throw new Error('checkpoint: header is truncated');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen))) as Header;
  } catch {
    throw new Error('checkpoint: header is not valid JSON');
  }
  validateConfig(header.config);
  const layout = parameterLayout(header.config);
  if (header.total !== layout.total) throw new Error(`checkpoint: parameter count ${header.total} does not match its config (${layout.total})`);
  const dataAt = Math.ceil((12 + hlen) / 4) * 4;
  const need = dataAt + 3 * layout.total * 4;
  if (bytes.length !== need) throw new Error(`checkpoint: expected ${need} bytes, got ${bytes.length}`);
  const copy = bytes.slice(dataAt).buffer;
  const all = new Float32Array(copy);
  const d: CheckpointData = {
    config: header.config,
    optimizer: header.optimizer,
    seed: header.seed,
    step: header.step,
    params: all.slice(0, layout.total),
    m: all.slice(layout.total, 2 * layout.total),
    v: all.slice(2 * layout.total, 3 * layout.total),
  };
  const bad = nonFiniteWeights(d);
  if (bad) throw new NonFiniteWeightsError(`checkpoint: refused, ${bad}`);
  return d;
}

export function sameConfig(a: ModelConfig, b: ModelConfig): boolean {
  const keys = Object.keys(a) as (keyof ModelConfig)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
