/**
 * The flat parameter layout shared by the WGSL engine and the float64
 * reference. Both engines keep every parameter in one flat buffer laid out by
 * `parameterLayout`, so a GPU read-back compares 1:1 with the reference, and
 * AdamW runs over a single buffer.
 */
import type { ModelConfig } from './config';

export interface TensorSpec {
  name: string;
  shape: number[];
  /** Offset in floats into the flat parameter buffer (multiple of 64, i.e. 256 bytes). */
  offset: number;
  size: number;
  /** AdamW weight decay applies (weights and embeddings, not biases or LayerNorm). */
  decay: boolean;
  init: 'normal' | 'xavier' | 'zeros' | 'layernorm';
}

export interface ParameterLayout {
  tensors: TensorSpec[];
  byName: Map<string, TensorSpec>;
  /** Total floats, padded. */
  total: number;
  /** Elements below this offset get weight decay. */
  decayEnd: number;
}

/** Buffer binding offsets must be 256-byte aligned: pad every tensor to 64 floats. */
const ALIGN_FLOATS = 64;
const pad = (n: number) => Math.ceil(n / ALIGN_FLOATS) * ALIGN_FLOATS;

export function parameterLayout(cfg: ModelConfig): ParameterLayout {
  const C = cfg.dim;
  const decayed: Omit<TensorSpec, 'offset' | 'size'>[] = [
    { name: 'item_emb', shape: [cfg.items + 1, C], decay: true, init: 'normal' },
    { name: 'pos_emb', shape: [cfg.maxlen, C], decay: true, init: 'normal' },
  ];
  if (cfg.contentBuckets > 0) decayed.push({ name: 'content_emb', shape: [cfg.contentBuckets, C], decay: true, init: 'normal' });
  if (cfg.features > 0) decayed.push({ name: 'feat_w', shape: [cfg.features, C], decay: true, init: 'xavier' });
  const rest: Omit<TensorSpec, 'offset' | 'size'>[] = [];
  if (cfg.features > 0) rest.push({ name: 'feat_b', shape: [C], decay: false, init: 'zeros' });
  for (let l = 0; l < cfg.blocks; l++) {
    decayed.push(
      { name: `b${l}.qkv_w`, shape: [C, 3 * C], decay: true, init: 'xavier' },
      { name: `b${l}.proj_w`, shape: [C, C], decay: true, init: 'xavier' },
      { name: `b${l}.fc1_w`, shape: [C, cfg.ffnDim], decay: true, init: 'xavier' },
      { name: `b${l}.fc2_w`, shape: [cfg.ffnDim, C], decay: true, init: 'xavier' },
    );
    rest.push(
      { name: `b${l}.ln1`, shape: [2, C], decay: false, init: 'layernorm' },
      { name: `b${l}.qkv_b`, shape: [3 * C], decay: false, init: 'zeros' },
      { name: `b${l}.proj_b`, shape: [C], decay: false, init: 'zeros' },
      { name: `b${l}.ln2`, shape: [2, C], decay: false, init: 'layernorm' },
      { name: `b${l}.fc1_b`, shape: [cfg.ffnDim], decay: false, init: 'zeros' },
      { name: `b${l}.fc2_b`, shape: [C], decay: false, init: 'zeros' },
    );
  }
  rest.push({ name: 'ln_f', shape: [2, C], decay: false, init: 'layernorm' });
  return packLayout(decayed, rest);
}

/** Lay tensors out one after another, each padded to 64 floats, the decayed ones first. */
export function packLayout(decayed: Omit<TensorSpec, 'offset' | 'size'>[], rest: Omit<TensorSpec, 'offset' | 'size'>[]): ParameterLayout {
  const tensors: TensorSpec[] = [];
  let offset = 0;
  let decayEnd = 0;
  for (const t of [...decayed, ...rest]) {
    const size = t.shape.reduce((a, b) => a * b, 1);
    tensors.push({ ...t, offset, size });
    offset += pad(size);
    if (t.decay) decayEnd = offset;
  }
  return { tensors, byName: new Map(tensors.map((t) => [t.name, t])), total: offset, decayEnd };
}

export function tensor(layout: ParameterLayout, name: string): TensorSpec {
  const t = layout.byName.get(name);
  if (!t) throw new Error(`no parameter tensor named ${name}`);
  return t;
}
