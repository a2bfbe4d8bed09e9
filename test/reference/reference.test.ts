/**
 * The float64 reference's analytic gradients against central finite
 * differences, for every parameter tensor, with dropout, content tokens,
 * event features, padding and repeated ids all in play.
 */
import { describe, expect, it } from 'vitest';
import { ReferenceModel } from '../../src/reference/model';
import { Rng } from '../../src/model/random';
import { awkwardConfig, randomBatch, randomContent } from '../support/fixtures';
import { relErr, testSeed } from '../support/gpu';

const seed = testSeed();

describe('reference gradients match finite differences (float64)', () => {
  for (const [loss, cands] of [
    ['bce', 0],
    ['ce', 0],
    ['ce', 15],
  ] as const) {
    it(`${loss}${cands ? ` with ${cands} sampled candidates` : ''}`, () => {
      const rng = new Rng(seed);
      const cfg = awkwardConfig(loss);
      const B = 3;
      const model = new ReferenceModel(cfg, { batchSize: B, seed: seed % 1000, content: randomContent(cfg, rng) });
      // Move off the initialisation (LayerNorm at identity, zero biases) so no gradient is trivially zero.
      for (let i = 0; i < model.params.length; i++) model.params[i] += rng.normal() * 0.05;
      const batch = randomBatch(cfg, B, rng, cands);
      model.forward(batch);
      model.backward();
      const analytic = Float64Array.from(model.grads);
      const lossAt = () => model.forward(batch).loss;
      const eps = 1e-5;
      const inBatch = new Set<number>([...batch.inputs, ...batch.targets, ...(batch.negatives ?? [])].filter((x) => x > 0));
      for (const t of model.layout.tensors) {
        let idx: number[];
        if (t.size <= 24) idx = Array.from({ length: t.size }, (_, i) => i);
        else if (t.name === 'item_emb') {
          const rows = [...inBatch].slice(0, 6);
          idx = rows.flatMap((r) => [r * cfg.dim + rng.int(0, cfg.dim), r * cfg.dim + rng.int(0, cfg.dim)]);
          idx.push(0, 5); // the padding row: zero gradient
        } else idx = Array.from({ length: 24 }, () => rng.int(0, t.size));
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
        const err = relErr(an, fd);
        if (t.name !== 'item_emb') expect(norm, `${t.name} has a zero gradient (seed ${seed})`).toBeGreaterThan(0);
        expect(err, `${t.name}: relative error ${err} (seed ${seed})`).toBeLessThan(1e-6);
      }
    });
  }
});
