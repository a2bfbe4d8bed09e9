/**
 * The app's entry point for explanations (recommend/effects.ts explainByRemoval)
 * on the built-in demo: the WebGPU backend and the float64 CPU backend, loaded
 * with the same checkpoint, name the same readings with the same shares, and a
 * reading the learner studied before is never named for itself.
 */
import { describe, expect, it } from 'vitest';
import { explainByRemoval } from '../../src/recommend/effects';
import { CpuBackend, GpuBackend } from '../../src/train/backend';
import { learnerRows, rowBatch, trainingData } from '../../src/train/learnerData';
import { demo, newGpu } from '../support/service';

describe('explainByRemoval on the demo', () => {
  it('agrees between the GPU and CPU backends and never names the candidate itself', async () => {
    const d = trainingData(demo.readings, demo.sessions, demo.pathPacks);
    const o = { batchSize: 32, seed: 1, content: d.content, lr: 5e-3 };
    const gpu = await GpuBackend.create(d.cfg, o, newGpu());
    const batch = rowBatch(d.cfg, learnerRows(d.learner, d.holdout, d.cfg.maxlen), 32);
    for (let s = 0; s < 10; s++) await gpu.trainStep(batch);
    const cpu = new CpuBackend(d.cfg, o);
    cpu.load(await gpu.save());
    const studied = d.vocab.readingOf[d.learner.items[d.learner.items.length - 1]];
    const ids = [studied, ...d.readings.slice(0, 9).map((r) => r.id)];
    const [g, c] = await Promise.all([explainByRemoval(d, gpu, ids), explainByRemoval(d, cpu, ids)]);
    gpu.destroy();
    expect([...g.keys()].sort()).toEqual([...new Set(ids)].sort());
    for (const id of g.keys()) {
      const gw = g.get(id)!;
      const cw = c.get(id)!;
      expect(gw.raised.length, id).toBeGreaterThan(0);
      for (const e of [...gw.raised, ...gw.lowered]) expect(e.readingId).not.toBe(id);
      expect(gw.raised.map((e) => e.readingId)[0], id).toBe(cw.raised.map((e) => e.readingId)[0]);
      const share = (w: typeof gw, r: string) => [...w.raised, ...w.lowered].find((e) => e.readingId === r)?.percent ?? 0;
      for (const e of [...cw.raised, ...cw.lowered]) expect(Math.abs(share(gw, e.readingId) - e.percent), `${id}: ${e.readingId}`).toBeLessThanOrEqual(2);
    }
  });
});
