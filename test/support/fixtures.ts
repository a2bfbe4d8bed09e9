import { makeConfig, type ModelConfig } from '../../src/model/config';
import { sampleCandidates, type Batch, type ItemContent } from '../../src/model/batch';
import { Rng } from '../../src/model/random';

/** A small model with every feature on and no size a multiple of any tile. */
export function awkwardConfig(loss: 'bce' | 'ce', over: Partial<ModelConfig> = {}): ModelConfig {
  return makeConfig({ items: 37, maxlen: 7, dim: 12, blocks: 2, heads: 3, ffnDim: 10, dropout: 0.3, loss, contentBuckets: 11, features: 2, ...over });
}

export function randomContent(cfg: ModelConfig, rng: Rng): ItemContent {
  const offsets = new Int32Array(cfg.items + 2);
  const tokens: number[] = [];
  for (let i = 1; i <= cfg.items; i++) {
    offsets[i] = tokens.length;
    const n = i % 7 === 0 ? 0 : rng.int(1, 4); // some items have no content
    for (let k = 0; k < n; k++) tokens.push(rng.int(0, cfg.contentBuckets));
  }
  offsets[cfg.items + 1] = tokens.length;
  offsets[0] = 0;
  return { offsets, tokens: Int32Array.from(tokens) };
}

/** Random left-padded histories with repeated ids, targets = next item, one negative each. */
export function randomBatch(cfg: ModelConfig, B: number, rng: Rng, candidates = 0): Batch {
  const T = cfg.maxlen;
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const negatives = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    const len = b === 0 ? T : rng.int(1, T + 1);
    const seq = Array.from({ length: len + 1 }, () => rng.int(1, Math.min(cfg.items, 9) + 1) + (rng.next() < 0.5 ? 0 : rng.int(0, cfg.items - 9)));
    for (let k = 0; k < len; k++) {
      const t = T - len + k;
      inputs[b * T + t] = seq[k];
      targets[b * T + t] = rng.next() < 0.9 ? seq[k + 1] : 0;
      negatives[b * T + t] = rng.int(1, cfg.items + 1);
    }
  }
  const batch: Batch = { inputs, targets, negatives };
  if (cfg.features > 0) {
    batch.features = new Float32Array(B * T * cfg.features);
    for (let i = 0; i < batch.features.length; i++) batch.features[i] = rng.next();
  }
  if (cfg.loss === 'ce' && candidates > 0) batch.candidates = sampleCandidates(cfg, targets, candidates, rng);
  return batch;
}
