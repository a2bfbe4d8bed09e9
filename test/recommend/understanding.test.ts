/**
 * Issue 18: predicted understanding from the knowledge-tracing model. "Prepare first with …" picks the
 * prerequisite that explains a low prediction; a learner whose understanding follows practice (a known
 * cause: the first two sessions on a topic go badly, later ones well) gets a model that passes the check,
 * predicts a practised topic above a new one, and charts mastery rising; too few rated sessions train nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { GpuContext } from '../../src/gpu/context';
import type { Reading } from '../../src/data/types';
import { Rng } from '../../src/model/random';
import { LOW_UNDERSTANDING, MASTERY_TOPICS, prepareWith, understandingView } from '../../src/recommend/understanding';
import { understandingData } from '../../src/train/understandingData';
import { shuffled } from '../../src/train/sampling';
import { createUnderstandingModel } from '../../src/train/understandingModel';
import { aReading, aSession } from '../support/records';
import { gpuContext, testSeed } from '../support/gpu';

const seed = testSeed();

describe('prepare first with …', () => {
  const chanceOf: Record<string, number> = { strong: 0.9, weak: 0.2, weaker: 0.1, fine: 0.8 };
  const chance = (r: Reading) => chanceOf[r.id] ?? 0.5;
  const byId = (rs: Reading[]) => new Map(rs.map((r) => [r.id, r]));
  it('names an unfinished prerequisite first, else the weakest finished one, else none', () => {
    const rs = [
      aReading('strong', { status: 'finished' }),
      aReading('weak', { status: 'finished' }),
      aReading('weaker', { status: 'finished' }),
      aReading('open', { status: 'reading' }),
      aReading('gone', { status: 'hidden' }),
    ];
    const none = new Map<string, 0 | 1>();
    expect(prepareWith(aReading('x', { prerequisites: ['strong', 'weak', 'open'] }), byId(rs), chance, none)).toEqual({
      readingId: 'open',
      because: 'unfinished',
    });
    expect(prepareWith(aReading('x', { prerequisites: ['strong', 'weak', 'weaker'] }), byId(rs), chance, none)).toEqual({
      readingId: 'weaker',
      because: 'weak',
    });
    expect(prepareWith(aReading('x', { prerequisites: ['strong'] }), byId(rs), chance, none)).toBeNull();
    // A strong prediction, but its last session was not understood: weak.
    expect(prepareWith(aReading('x', { prerequisites: ['strong'] }), byId(rs), chance, new Map([['strong', 0]]))).toEqual({
      readingId: 'strong',
      because: 'weak',
    });
    // Hidden and deleted prerequisites are not offered.
    expect(prepareWith(aReading('x', { prerequisites: ['gone', 'deleted'] }), byId(rs), chance, none)).toBeNull();
    expect(chanceOf.weak).toBeLessThan(LOW_UNDERSTANDING);
  });
});

describe('predicted understanding of a learner whose understanding follows practice', () => {
  let ctx: GpuContext;
  beforeAll(async () => {
    ctx = await gpuContext();
  });
  const topics = Array.from({ length: 14 }, (_, i) => `t${i + 1}`);
  const readings = [
    ...topics.map((t) => aReading(`r-${t}`, { topics: [t], status: 'finished' })),
    aReading('next-new', { topics: ['fresh'], prerequisites: ['r-t1'] }),
  ];
  /**
   * One block of 4 to 6 sessions per topic, the topics in a random order: understanding 20-40 on a topic's
   * first two sessions, 70-95 on the rest. Returns the sessions and the first block's topic.
   */
  function sessions(n: number, rng: Rng) {
    const order = shuffled(topics.length, rng).map((i) => topics[i]);
    const out = [];
    for (const topic of order) {
      for (let k = 0, len = 4 + rng.int(0, 3); k < len && out.length < n; k++) {
        const understanding = k < 2 ? 20 + rng.int(0, 21) : 70 + rng.int(0, 26);
        out.push(aSession(`s${out.length}`, `r-${topic}`, out.length * 720, { understanding }));
      }
    }
    return { sessions: out, practised: order[0] };
  }

  it(`passes the check, predicts a practised topic above a new one, and charts mastery (seed ${seed})`, async () => {
    const made = sessions(48, new Rng(seed));
    const practised = aReading('next-practised', { topics: [made.practised] });
    const all = [...readings, practised];
    const data = understandingData(all, made.sessions);
    const model = await createUnderstandingModel(data, ctx);
    let steps = 0;
    const view = (await understandingView(model, data, all, { onStep: (s) => (steps = s) }))!;
    console.log(`seed ${seed}: ${JSON.stringify(view.check)}`);
    expect(steps).toBeGreaterThan(0);
    expect(view.check).toMatchObject({ heldOut: 12, verdict: 'passed' });
    // The first block's topic has been practised (and its last sessions went well), "fresh" never.
    expect(view.readiness['next-practised']).toBeGreaterThan(view.readiness['next-new'] + 0.3);
    // Finished readings are not upcoming.
    expect(view.readiness['r-t1']).toBeUndefined();
    // A low prediction: its prerequisite is named only if weak (a low chance on its topic, or its last session not understood).
    expect(view.readiness['next-new']).toBeLessThan(LOW_UNDERSTANDING);
    if (view.prepare['next-new']) expect(view.prepare['next-new']).toEqual({ readingId: 'r-t1', because: 'weak' });
    const chart = view.mastery!;
    expect(chart.topics.length).toBe(MASTERY_TOPICS);
    expect(chart.points.length).toBe(24); // two sessions a day, 48 sessions
    // Each charted topic's mastery ends above where its first session left it.
    chart.topics.forEach((t, k) => {
      const first = chart.points.findIndex((p) => p.day >= data.attempts.find((a) => data.topics[a.skill - 1] === t)!.at.slice(0, 10));
      expect(chart.points.at(-1)!.values[k], t).toBeGreaterThan(chart.points[first].values[k]);
    });
  });

  it('says too few below 40 rated sessions, without training', async () => {
    const data = understandingData(readings, sessions(39, new Rng(seed)).sessions);
    let steps = 0;
    const view = (await understandingView(await createUnderstandingModel(data, null), data, readings, { onStep: () => steps++ }))!;
    expect(view).toMatchObject({ rated: 39, check: { heldOut: 9, verdict: 'too-few' }, readiness: {}, prepare: {}, mastery: null });
    expect(steps).toBe(0);
  });
});
