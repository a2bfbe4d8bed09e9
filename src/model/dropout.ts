/**
 * Every dropout site of the model, one table for both engines (GpuEngine and
 * the float64 ReferenceModel). A site's mask is a pure function of
 * (seed, step, site) through random.ts dropoutKey, so the backward pass of a
 * site, and the reference, draw the same mask as its forward.
 */
import { dropoutKey, dropoutThreshold } from './random';

export const dropoutSite = {
  /** On the embedding: item + position (+ event features), before block 0. */
  embedding: 0,
  /** On block l's attention branch (after the output projection), before its residual add. */
  attention: (l: number) => 1 + 2 * l,
  /** On block l's feed-forward branch (after fc2), before its residual add. */
  ffn: (l: number) => 2 + 2 * l,
};

/** A prepared launch that applies dropout at one site. */
export interface DropoutUse {
  d: { setDropout(key: number, threshold: number, scale: number): unknown };
  site: number;
}

/** Set this step's dropout keys on every use (threshold 0 = dropout off, for evaluation). */
export function setDropouts(uses: DropoutUse[], seed: number, step: number, dropout: number, training: boolean): void {
  const threshold = training ? dropoutThreshold(dropout) : 0;
  const scale = 1 / (1 - dropout);
  for (const { d, site } of uses) d.setDropout(dropoutKey(seed, step, site), threshold, scale);
}
