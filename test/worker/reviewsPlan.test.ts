/**
 * Reviews in today's plan (issue 20), through the worker: the page's `now` decides what is due, due
 * reviews come first (lowest recall first) within the minutes, the rest are postponed, new readings
 * fill what is left, and rating a review takes it out of today's plan until FSRS brings it back.
 */
import { describe, expect, it } from 'vitest';
import { openStudyDb } from '../../src/data/db';
import { Repo } from '../../src/data/repo';
import { dueReviews } from '../../src/recommend/reviews';
import { demo, newGpu, service, PLAN_NOW } from '../support/service';
import { aReading } from '../support/records';

const DAY = 86_400_000;
const later = (days: number) => new Date(Date.parse(PLAN_NOW) + days * DAY).toISOString();

let n = 0;
async function demoWithoutSessions(): Promise<Repo> {
  // No sessions: the starting suggestion plans the new readings, so no training is needed here.
  const repo = new Repo(await openStudyDb(`reviews-plan-${Date.now()}-${n++}`));
  await repo.restore({ ...demo, sessions: [] }, 'test');
  await repo.saveSettings({ dailyBudgetMinutes: 60, reviewMinutes: 5 });
  // A ten-minute reading with no prerequisite: the new reading that fits once the reviews leave ten minutes.
  await repo.saveReading(aReading('short', { minutes: 10, addedAt: demo.exportedAt }));
  return repo;
}

describe("reviews in the worker's plan", () => {
  it('the page’s now decides what is due; reviews first, lowest recall first; the rest postponed; new readings in what is left', async () => {
    const repo = await demoWithoutSessions();
    const a = service(repo, newGpu());
    await a.s.handle({ type: 'init', prefer: 'cpu', budgetMs: 60_000, autoTrain: false });
    const now = later(20);
    const due = dueReviews(await repo.readings(), await repo.reviews(), new Date(now));
    expect(due.length, 'reviews due 20 days after the demo').toBeGreaterThan(3);
    await a.s.handle({ type: 'plan', minutes: 17, skip: [], now });
    await a.s.idle();
    const path = a.last('path')!;
    // 17 minutes hold three 5-minute reviews; 2 minutes are left for new readings.
    expect(path.reviews.today.map((r) => r.readingId)).toEqual(due.slice(0, 3).map((d) => d.readingId));
    expect(path.reviews.postponed.map((r) => r.readingId)).toEqual(due.slice(3).map((d) => d.readingId));
    const recall = path.reviews.today.map((r) => r.retrievability);
    expect([...recall].sort((x, y) => x - y)).toEqual(recall);
    expect(path.steps).toEqual([]);
    for (const r of path.reviews.today) {
      expect(r.minutes).toBe(5);
      expect(Date.parse(r.due)).toBeLessThanOrEqual(Date.parse(now));
      // Again < Hard < Good < Easy, all after now.
      const next = r.nextDue.map(Date.parse);
      expect(next[0]).toBeGreaterThan(Date.parse(now));
      for (let i = 1; i < 4; i++) expect(next[i]).toBeGreaterThan(next[i - 1]);
    }
    // Time for every due review and 7 minutes more: nothing postponed, and the ten-minute reading does not fit;
    // with 10 minutes more, it follows the reviews.
    for (const [extra, steps] of [
      [7, []],
      [10, ['short']],
    ] as const) {
      await a.s.handle({ type: 'plan', minutes: 5 * due.length + extra, skip: [], now });
      await a.s.idle();
      expect(a.last('path')!.reviews.today).toHaveLength(due.length);
      expect(a.last('path')!.reviews.postponed).toEqual([]);
      expect(a.last('path')!.steps.map((s) => s.readingId)).toEqual(steps);
    }
    // The same plan at the demo's own date has fewer reviews due.
    await a.s.handle({ type: 'plan', minutes: 17, skip: [], now: PLAN_NOW });
    await a.s.idle();
    expect(a.last('path')!.reviews.today.length + a.last('path')!.reviews.postponed.length).toBeLessThan(due.length);
    repo.close();
  });

  it('a rated review leaves today’s plan, a postponed one moves up, and Undo brings it back', async () => {
    const repo = await demoWithoutSessions();
    const a = service(repo, newGpu());
    await a.s.handle({ type: 'init', prefer: 'cpu', budgetMs: 60_000, autoTrain: false });
    const now = later(20);
    await a.s.handle({ type: 'plan', minutes: 10, skip: [], now });
    await a.s.idle();
    const before = a.last('path')!.reviews;
    const rated = before.today[0];
    const entry = await repo.saveReview({ id: 'rated', readingId: rated.readingId, at: now, rating: 3, minutes: 5 });
    await a.s.handle({ type: 'reviews-changed' });
    await a.s.idle();
    const after = a.last('path')!.reviews;
    expect(after.today.map((r) => r.readingId)).not.toContain(rated.readingId);
    expect(after.today.map((r) => r.readingId)).toEqual([before.today[1].readingId, before.postponed[0].readingId]);
    // Its next review is where the Good button said it would be.
    const log = (await repo.reviews()).filter((r) => r.readingId === rated.readingId);
    const plannedAgain = dueReviews(await repo.readings(), log, new Date(rated.nextDue[2]));
    expect(plannedAgain.map((d) => d.readingId)).toEqual([rated.readingId]);
    expect(dueReviews(await repo.readings(), log, new Date(Date.parse(rated.nextDue[2]) - 1))).toEqual([]);
    await repo.undo(entry.seq!);
    await a.s.handle({ type: 'reviews-changed' });
    await a.s.idle();
    expect(a.last('path')!.reviews).toEqual(before);
    repo.close();
  });
});
