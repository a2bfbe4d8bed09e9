/**
 * The knowledge-tracing model's flat parameter layout, shared by the WGSL
 * engine (ktEngine.ts) and the float64 reference (reference/ktModel.ts).
 * The query and key/value projections have no bias: a key bias changes no
 * softmax, and the query's is left out to keep the fused qkv layout simple.
 */
import type { KtConfig } from './config';
import { packLayout, type ParameterLayout } from './parameters';
import { interactionParamRows, queryParamRows } from './ktTokenParts';

export function ktParameterLayout(cfg: KtConfig): ParameterLayout {
  const C = cfg.dim;
  const T = cfg.maxlen;
  const F = cfg.ffnDim;
  return packLayout(
    [
      { name: 'skill_emb', shape: [queryParamRows(cfg), C], decay: true, init: 'normal' },
      { name: 'inter_emb', shape: [interactionParamRows(cfg), C], decay: true, init: 'normal' },
      { name: 'qpos_emb', shape: [T, C], decay: true, init: 'normal' },
      { name: 'kvpos_emb', shape: [T, C], decay: true, init: 'normal' },
      { name: 'q_w', shape: [C, C], decay: true, init: 'xavier' },
      { name: 'kv_w', shape: [C, 2 * C], decay: true, init: 'xavier' },
      { name: 'proj_w', shape: [C, C], decay: true, init: 'xavier' },
      { name: 'fc1_w', shape: [C, F], decay: true, init: 'xavier' },
      { name: 'fc2_w', shape: [F, C], decay: true, init: 'xavier' },
      { name: 'out_w', shape: [C, 1], decay: true, init: 'xavier' },
    ],
    [
      { name: 'proj_b', shape: [C], decay: false, init: 'zeros' },
      { name: 'ln1', shape: [2, C], decay: false, init: 'layernorm' },
      { name: 'fc1_b', shape: [F], decay: false, init: 'zeros' },
      { name: 'fc2_b', shape: [C], decay: false, init: 'zeros' },
      { name: 'ln2', shape: [2, C], decay: false, init: 'layernorm' },
      { name: 'out_b', shape: [1], decay: false, init: 'zeros' },
    ],
  );
}

/** The knowledge-tracing model's dropout sites (keys from random.ts dropoutKey), one table for both engines. */
export const ktDropoutSite = {
  /** On the query embedding: skill + query position. */
  query: 0,
  /** On the key/value embedding: interaction + key position. */
  interaction: 1,
  /** On the attention branch (after the output projection), before its residual add. */
  attention: 2,
  /** On the feed-forward branch (after fc2), before its residual add. */
  ffn: 3,
} as const;
