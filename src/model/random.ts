/**
 * Seeded randomness shared bit-for-bit by the CPU reference and the WGSL
 * shaders. Dropout uses a counter-based hash: the keep/drop decision for
 * element `i` of a dropout site is a pure function of (key, i), so the
 * backward pass recomputes exactly the forward mask with nothing stored.
 */

/** A 32-bit integer mix with good avalanche ("lowbias32"); mirrored in shaders/random.wgsl. */
function hash32(x: number): number {
  x = x >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** The per-(seed, step, site) key handed to a dropout dispatch as a uniform. */
export function dropoutKey(seed: number, step: number, site: number): number {
  return hash32(hash32(hash32(seed >>> 0) ^ (step >>> 0)) ^ Math.imul(site + 1, 0x9e3779b9)) >>> 0;
}

/** Integer threshold on 24 random bits: drop iff bits < threshold. */
export function dropoutThreshold(p: number): number {
  return Math.min(16777216, Math.floor(p * 16777216));
}

export function dropoutKeep(key: number, index: number, threshold: number): boolean {
  return hash32(hash32(index) ^ key) >>> 8 >= threshold;
}

/** Seeded PRNG for initialization and sampling (mulberry32). */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = hash32(seed ^ 0x5bd1e995) || 1;
  }
  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Integer in [lo, hi). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo));
  }
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
