/**
 * The knowledge-tracing reference's analytic gradients against central finite
 * differences in float64, for every parameter tensor, with dropout, padding,
 * unscored first attempts and repeated skills in play; and its causality.
 */
import { describe, expect, it } from 'vitest';
import { KtReferenceModel } from '../../src/reference/ktModel';
import { bceLogitsLoss } from '../../src/reference/ktOps';
import { Rng } from '../../src/model/random';
import { ktBatch } from '../../src/model/ktBatch';
import { awkwardKtConfig, randomKtBatch, randomKtWindows } from '../support/ktFixtures';
import { relErr, testSeed } from '../support/gpu';

const seed = testSeed();

describe('knowledge-tracing reference', () => {
  const parted = { skills: 14, tokenParts: { skills: 7, factors: [2], joint: true } };
  for (const [name, over] of [
    ['dropout 0.3', { dropout: 0.3 }],
    ['dropout 0', { dropout: 0 }],
    ['tokens from parts', { dropout: 0.3, ...parted }],
  ] as const) {
    it(`gradients match finite differences (${name})`, () => {
      const rng = new Rng(seed);
      const cfg = awkwardKtConfig(over);
      const B = 3;
      const model = new KtReferenceModel(cfg, B, { seed: seed % 1000 });
      // Move off the initialisation (LayerNorm at identity, zero biases) so no gradient is trivially zero.
      for (let i = 0; i < model.params.length; i++) model.params[i] += rng.normal() * 0.05;
      const batch = randomKtBatch(cfg, B, rng);
      model.forward(batch);
      model.backward();
      const analytic = Float64Array.from(model.grads);
      const lossAt = () => model.forward(batch).loss;
      const eps = 1e-5;
      for (const t of model.layout.tensors) {
        const idx = t.size <= 24 ? Array.from({ length: t.size }, (_, i) => i) : Array.from({ length: 24 }, () => rng.int(0, t.size));
        if (t.name === 'skill_emb' || t.name === 'inter_emb') {
          // rows the batch uses, so the check is not all zeros
          const ids = t.name === 'skill_emb' ? batch.queries : batch.interactions;
          for (const id of [...new Set(ids)].filter((x) => x > 0).slice(0, 8)) idx.push(id * cfg.dim + rng.int(0, cfg.dim));
          idx.push(0, 3); // padding row: zero gradient
          if (cfg.tokenParts) {
            // shared part rows, after the joint ones
            const jointRows = t.name === 'skill_emb' ? cfg.skills + 1 : 2 * cfg.skills + 1;
            const partRows = t.size / cfg.dim - jointRows;
            for (let k = 0; k < 8; k++) idx.push((jointRows + rng.int(0, partRows)) * cfg.dim + rng.int(0, cfg.dim));
          }
        }
        const fd: number[] = [];
        const an: number[] = [];
        for (const i of idx) {
          const at = t.offset + i;
          const keep = model.params[at];
          model.params[at] = keep + eps;
          const up = lossAt();
          model.params[at] = keep - eps;
          const down = lossAt();
          model.params[at] = keep;
          fd.push((up - down) / (2 * eps));
          an.push(analytic[at]);
        }
        const norm = Math.sqrt(an.reduce((s, v) => s + v * v, 0));
        expect(norm, `${t.name} has a zero gradient (seed ${seed})`).toBeGreaterThan(0);
        const err = relErr(an, fd);
        expect(err, `${t.name}: relative error ${err} (seed ${seed})`).toBeLessThan(1e-6);
      }
    });
  }

  it('the prediction at an attempt never sees its own outcome or later attempts', () => {
    const rng = new Rng(seed);
    const cfg = awkwardKtConfig({ dropout: 0 });
    const model = new KtReferenceModel(cfg, 1, { seed: 3 });
    for (let i = 0; i < model.params.length; i++) model.params[i] += rng.normal() * 0.05;
    const w = randomKtWindows(cfg, 1, rng)[0];
    const T = cfg.maxlen;
    const base = model.forward(ktBatch(cfg, [w], 1), { training: false }).logits;
    const k = rng.int(0, T);
    const flipped = { ...w, correct: Array.from(w.correct, (c, i) => (i === k ? 1 - c : c)) };
    const after = model.forward(ktBatch(cfg, [flipped], 1), { training: false }).logits;
    for (let i = 0; i <= k; i++) expect(after[i], `position ${i} changed when outcome ${k} flipped (seed ${seed})`).toBe(base[i]);
    if (k + 1 < T) expect(after[k + 1], `position ${k + 1} ignores outcome ${k} (seed ${seed})`).not.toBe(base[k + 1]);
  });

  it('BCE on logits: the loss and its gradient, labels -1 carry none', () => {
    const z = [2, -1, 0.5, 30, -30];
    const y = [1, 0, -1, 0, 1];
    const losses = new Float64Array(5);
    const dz = new Float64Array(5);
    bceLogitsLoss(z, y, 5, 4, losses, dz);
    const want = [Math.log(1 + Math.exp(-2)), Math.log(1 + Math.exp(-1)), 0, 30 + Math.log(1 + Math.exp(-30)), 30 + Math.log(1 + Math.exp(-30))];
    expect(relErr(losses, want)).toBeLessThan(1e-12);
    const s = (x: number) => 1 / (1 + Math.exp(-x));
    expect(relErr(dz, [(s(2) - 1) / 4, s(-1) / 4, 0, s(30) / 4, (s(-30) - 1) / 4])).toBeLessThan(1e-12);
  });
});
