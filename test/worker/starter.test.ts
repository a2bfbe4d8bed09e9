/**
 * The worker's starting suggestion: with fewer than five sessions the path it posts is the cold-start
 * one (recommend/coldStart.ts), at once, with no model and no training; from the fifth session on it is
 * the model's (or none until the model is ready).
 */
import { describe, expect, it } from 'vitest';
import { openStudyDb } from '../../src/data/db';
import { Repo } from '../../src/data/repo';
import { starterOrder } from '../../src/recommend/coldStart';
import { mayComeNext } from '../../src/recommend/path';
import { demo, newGpu, service, PLAN_NOW } from '../support/service';

let n = 0;
async function repoWith(sessions: number, packs: boolean): Promise<Repo> {
  const repo = new Repo(await openStudyDb(`starter-${Date.now()}-${n++}`));
  await repo.restore({ ...demo, sessions: demo.sessions.slice(0, sessions), pathPacks: packs ? demo.pathPacks : [] }, 'test');
  return repo;
}

describe('the starting suggestion in the worker', () => {
  for (const packs of [false, true]) {
    it(`comes at once for a new learner, with no training (${packs ? 'in the pack order' : 'foundations first'})`, async () => {
      const repo = await repoWith(0, packs);
      const a = service(repo, newGpu());
      await a.s.handle({ type: 'init', prefer: 'cpu', budgetMs: 60_000, autoTrain: true });
      await a.s.handle({ type: 'plan', minutes: 120, skip: [], now: PLAN_NOW });
      await a.s.idle();
      expect(a.info().state).toBe('untrained');
      expect(a.got.some((m) => m.type === 'progress')).toBe(false);
      const path = a.last('path')!;
      expect(path.starter).toBe(packs ? 'pack' : 'foundations');
      expect(path.steps.length).toBeGreaterThan(0);
      expect(path.steps.every((s) => s.because.length === 0)).toBe(true);
      // The first step is the first reading of the order that may come next and fits.
      const readings = await repo.readings();
      const finished = new Set(readings.filter((r) => r.status === 'finished').map((r) => r.id));
      const first = starterOrder(readings, packs ? demo.pathPacks : []).order.find((r) => r.minutes <= 120 && mayComeNext(r, (p) => finished.has(p)));
      expect(path.steps[0].readingId).toBe(first!.id);
    });
  }

  it('leaves out skipped readings, and gives way to the model from the fifth session', async () => {
    const repo = await repoWith(4, false);
    const a = service(repo, newGpu());
    await a.s.handle({ type: 'init', prefer: 'cpu', budgetMs: 60_000, autoTrain: false });
    await a.s.handle({ type: 'plan', minutes: 60, skip: [], now: PLAN_NOW });
    await a.s.idle();
    expect(a.last('path')!.starter).toBe('foundations');
    const skipped = a.last('path')!.steps[0].readingId;
    await a.s.handle({ type: 'plan', minutes: 60, skip: [skipped], now: PLAN_NOW });
    await a.s.idle();
    expect(a.last('path')!.steps.map((s) => s.readingId)).not.toContain(skipped);
    const paths = a.got.filter((m) => m.type === 'path').length;
    await repo.saveSession({ ...demo.sessions[4], id: 'fifth' });
    await a.s.handle({ type: 'data-changed' });
    await a.s.idle();
    // Five sessions: no starter path any more; the untrained model plans nothing until it is trained.
    expect(a.got.filter((m) => m.type === 'path').length).toBe(paths);
  });
});
