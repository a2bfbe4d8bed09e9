/**
 * Issue 18 in the worker: the ModelService trains the knowledge-tracing model beside the recommender on the
 * demo (Dawn + lavapipe, and the CPU reference), with progress, and posts predicted understanding only after
 * it beats the running success rate; a cancel stops it; a new session trains it again.
 */
import { describe, expect, it } from 'vitest';
import { UNDERSTANDING_TRAINING } from '../../src/model/config';
import { demo, demoRepo, newGpu, service } from '../support/service';
import { aSession } from '../support/records';

describe('predicted understanding in the worker', () => {
  it('on WebGPU: progress to the last step, a view that passed its check, and a new low session trains it again', async () => {
    const repo = await demoRepo();
    const a = service(repo, newGpu());
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: false });
    await a.s.idle();
    const progress = a.got.filter((m) => m.type === 'understanding-progress');
    expect(progress.at(-1)).toEqual({ type: 'understanding-progress', step: UNDERSTANDING_TRAINING.steps, steps: UNDERSTANDING_TRAINING.steps });
    const view = a.last('understanding')!.view;
    expect(view.check).toMatchObject({ heldOut: 11, verdict: 'passed' });
    expect(view.rated).toBe(demo.sessions.filter((s) => s.understanding !== null || s.quizScore !== null).length);
    // Every upcoming reading has a chance; finished ones none.
    for (const r of demo.readings) expect(view.readiness[r.id] !== undefined, r.id).toBe(r.status === 'unread' || r.status === 'reading');
    for (const [id, p] of Object.entries(view.prepare)) {
      expect(view.readiness[id]).toBeLessThan(0.5);
      expect(demo.readings.find((r) => r.id === id)!.prerequisites).toContain(p.readingId);
    }
    expect(view.mastery!.topics).toContain('deep learning');

    // A catalog edit that leaves the rated sessions as they were: asked again, not trained again.
    const upcoming = Object.keys(view.readiness)[0];
    await repo.updateReading(upcoming, { status: 'finished' });
    const before = a.got.length;
    await a.s.handle({ type: 'data-changed' });
    await a.s.idle();
    const since = a.got.slice(before);
    expect(since.filter((m) => m.type === 'understanding-progress')).toEqual([]);
    const edited = a.last('understanding')!.view;
    expect(edited.readiness[upcoming]).toBeUndefined();
    expect(edited.check).toEqual(view.check);

    // A session rated 5 of 100 after the demo's last, on a topic the learner has not studied (the model
    // expects it to go badly, so the check still passes): trained again, the chart ends on its day.
    const last = demo.sessions
      .map((s) => s.end)
      .sort()
      .at(-1)!;
    const minute = (Date.parse(last) - Date.UTC(2026, 10, 1)) / 60_000 + 600;
    await repo.saveSession(aSession('low', 'demo-axler-ladr', minute, { understanding: 5 }));
    const views = a.got.filter((m) => m.type === 'understanding').length;
    await a.s.handle({ type: 'data-changed' });
    await a.s.idle();
    expect(a.got.filter((m) => m.type === 'understanding').length).toBe(views + 1);
    const after = a.last('understanding')!.view;
    expect(after.rated).toBe(view.rated + 1);
    expect(after.mastery!.points.at(-1)!.day).toBe(new Date(Date.parse(last) + 600 * 60_000 + 30 * 60_000).toISOString().slice(0, 10));
    expect(after.check).toMatchObject({ verdict: 'passed' });
    expect(after.check.modelError).not.toBe(view.check.modelError);
  });

  it('on the CPU: a cancel stops the run (progress 0 of 0, no view); the next change trains it to the end', async () => {
    const repo = await demoRepo();
    let cancelled = false;
    const a = service(repo, newGpu(), (m, s) => {
      if (m.type === 'understanding-progress' && m.step === 100 && !cancelled) {
        cancelled = true;
        void s.handle({ type: 'cancel' });
      }
    });
    await a.s.handle({ type: 'init', prefer: 'cpu', budgetMs: 60_000, autoTrain: false });
    await a.s.idle();
    expect(a.last('understanding')).toBeUndefined();
    expect(a.last('understanding-progress')).toEqual({ type: 'understanding-progress', step: 0, steps: 0 });
    await a.s.handle({ type: 'data-changed' });
    await a.s.idle();
    expect(a.last('understanding')!.view.check.verdict).toBe('passed');
  }, 120_000);

  it('a change that the recommender trains on: the understanding model starts after the recommender’s run ends', async () => {
    const repo = await demoRepo();
    const a = service(repo, newGpu());
    await a.s.handle({ type: 'init', prefer: 'auto', budgetMs: 60_000, autoTrain: true, epochs: 1 });
    await a.s.idle();
    const lastTraining = a.got.map((m) => m.type).lastIndexOf('progress');
    const firstUnderstanding = a.got.findIndex((m) => m.type === 'understanding-progress');
    expect(lastTraining).toBeGreaterThan(0);
    expect(firstUnderstanding).toBeGreaterThan(lastTraining);
    expect(a.last('understanding')!.view.check.verdict).toBe('passed');
  }, 120_000);
});
