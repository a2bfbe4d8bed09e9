/**
 * The float64 full-softmax head (reference/fullSoftmax.ts: the chunked
 * kernels plus the chunks' products into dh and dE) against central finite
 * differences of its own mean loss, and against the plain softmax over a
 * materialised (R, items) logits matrix.
 */
import { describe, expect, it } from 'vitest';
import { fullSoftmaxCe } from '../../src/reference/fullSoftmax';
import { matmul, softmaxCrossEntropy } from '../../src/reference/ops';
import { Rng } from '../../src/model/random';
import { relErr, testSeed } from '../support/gpu';

const seed = testSeed();

describe('full softmax cross-entropy, chunk by chunk (float64)', () => {
  for (const [R, C, items, chunk] of [
    [9, 5, 23, 7],
    [4, 3, 10, 10],
    [6, 4, 31, 1],
  ] as const) {
    it(`R=${R} C=${C} items=${items} chunk=${chunk}`, () => {
      const rng = new Rng(seed + chunk);
      const h = Float64Array.from({ length: R * C }, () => rng.normal());
      const E = Float64Array.from({ length: (items + 1) * C }, () => rng.normal());
      const targets = Int32Array.from({ length: R }, (_, i) => (i === 0 || rng.next() < 0.7 ? rng.int(1, items + 1) : 0));
      const nValid = targets.filter((t) => t > 0).length;
      const losses = new Float64Array(R);
      const dh = new Float64Array(R * C);
      const dE = new Float64Array((items + 1) * C);
      const loss = fullSoftmaxCe(h, E, targets, R, C, items, chunk, losses, dh, dE);

      // The same loss and gradients through a materialised logits matrix.
      const logits = matmul(h, E.subarray(C), R, items, C, false, true, null, new Float64Array(R * items));
      const plainLosses = new Float64Array(R);
      softmaxCrossEntropy(
        logits,
        Int32Array.from(targets, (t) => t - 1),
        R,
        items,
        nValid,
        plainLosses,
      );
      expect(relErr(losses, plainLosses), `losses (seed ${seed})`).toBeLessThan(1e-12);
      expect(relErr(dh, matmul(logits, E.subarray(C), R, C, items, false, false, null, new Float64Array(R * C))), `dh (seed ${seed})`).toBeLessThan(1e-12);
      const plainDE = matmul(logits, h, items, C, R, true, false, null, new Float64Array(items * C));
      expect(relErr(dE.subarray(C), plainDE), `dE (seed ${seed})`).toBeLessThan(1e-12);
      expect(Array.from(dE.subarray(0, C)), 'the padding row is no class').toEqual(new Array(C).fill(0));

      const lossAt = () => fullSoftmaxCe(h, E, targets, R, C, items, chunk, new Float64Array(R), new Float64Array(R * C), new Float64Array((items + 1) * C));
      expect(lossAt()).toBe(loss);
      const eps = 1e-5;
      const check = (x: Float64Array, grad: Float64Array, name: string) => {
        const fd: number[] = [];
        const an: number[] = [];
        for (let n = 0; n < 20; n++) {
          const i = rng.int(0, x.length);
          const keep = x[i];
          x[i] = keep + eps;
          const up = lossAt();
          x[i] = keep - eps;
          const down = lossAt();
          x[i] = keep;
          fd.push((up - down) / (2 * eps));
          an.push(grad[i]);
        }
        expect(relErr(an, fd), `${name} against finite differences (seed ${seed})`).toBeLessThan(1e-6);
      };
      check(h, dh, 'dh');
      check(E, dE, 'dE');
    });
  }
});
