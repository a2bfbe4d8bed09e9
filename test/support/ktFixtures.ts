import { makeKtConfig, type KtConfig } from '../../src/model/config';
import { ktBatch, interactionId, type KtBatch, type KtWindow } from '../../src/model/ktBatch';
import type { Rng } from '../../src/model/random';

/** A small knowledge-tracing model with no size a multiple of any tile, and dropout on. */
export function awkwardKtConfig(over: Partial<KtConfig> = {}): KtConfig {
  return makeKtConfig({ skills: 11, maxlen: 7, dim: 12, heads: 3, ffnDim: 10, dropout: 0.3, ...over });
}

/** Random windows: a learner's first (first attempt unscored, no previous interaction) or a later one, of random length, skills repeated. */
export function randomKtWindows(cfg: KtConfig, n: number, rng: Rng): KtWindow[] {
  return Array.from({ length: n }, (_, b) => {
    const len = b === 0 ? cfg.maxlen : rng.int(1, cfg.maxlen + 1);
    const skills = Array.from({ length: len }, () => rng.int(1, Math.min(cfg.skills, 4) + 1) + (rng.next() < 0.5 ? 0 : rng.int(0, cfg.skills - 3)));
    const correct = skills.map(() => (rng.next() < 0.6 ? 1 : 0));
    const first = rng.next() < 0.5;
    return { skills, correct, prev: first ? 0 : interactionId(rng.int(1, cfg.skills + 1), rng.int(0, 2), cfg.skills), scoreFrom: first ? 1 : 0 };
  });
}

export function randomKtBatch(cfg: KtConfig, B: number, rng: Rng): KtBatch {
  return ktBatch(cfg, randomKtWindows(cfg, B, rng), B);
}
