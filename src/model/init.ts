import type { ModelConfig } from './config';
import type { ParameterLayout } from './parameters';
import { Rng } from './random';

/**
 * Seeded parameter initialisation, in float32 so that the GPU engine and the
 * float64 reference start from bit-identical values.
 */
export function initParameters(cfg: Pick<ModelConfig, 'dim'>, layout: ParameterLayout, seed: number): Float32Array {
  const p = new Float32Array(layout.total);
  const rng = new Rng(seed);
  for (const t of layout.tensors) {
    const view = p.subarray(t.offset, t.offset + t.size);
    switch (t.init) {
      case 'normal': {
        const std = 0.05;
        for (let i = 0; i < view.length; i++) view[i] = rng.normal() * std;
        break;
      }
      case 'xavier': {
        const [fanIn, fanOut] = t.shape;
        const std = Math.sqrt(2 / (fanIn + fanOut));
        for (let i = 0; i < view.length; i++) view[i] = rng.normal() * std;
        break;
      }
      case 'layernorm': {
        const C = t.shape[1];
        view.fill(1, 0, C);
        view.fill(0, C, 2 * C);
        break;
      }
      case 'zeros':
        break;
    }
    if (t.name === 'item_emb') view.fill(0, 0, cfg.dim); // padding row
  }
  return p;
}
