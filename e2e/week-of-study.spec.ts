/**
 * A week of study (issue 20), on the page's clock: a learner finishes two readings on two days; they
 * leave "next"; each comes back as a review when FSRS says it is due, labelled as a review with its
 * recall and when it was last seen; rated, it leaves today's plan and its next review moves to the
 * day the rating said; a reload keeps all of it. Run alone with `-g "week of study"`.
 */
import { expect, test, type Page } from '@playwright/test';
import { setUp } from './learn-helpers';
import { backupOf, backupReading, newStepIds, notice, restore, tab } from './app-helpers';

const DAY = 86_400_000;

const backup = backupOf(
  [
    backupReading('prob', 'Foundations of Probability', 20, 2),
    backupReading('linear', 'Linear Models', 15, 2),
    backupReading('bayes', 'Bayesian Inference', 30, 2, ['prob']),
  ],
  { dailyBudgetMinutes: 120, reviewMinutes: 5 },
);

const reviewIds = (page: Page) => page.getByTestId('review-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-reading-id') ?? ''));

/** Accepts a new reading from the path, studies it for `minutes` on the paused clock, and finishes it with F. */
async function studyToTheEnd(page: Page, title: string, minutes: number) {
  await tab(page, 'Today');
  await page.getByRole('button', { name: `Accept ${title} and start the focus timer` }).click();
  await page.clock.fastForward(minutes * 60_000);
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.keyboard.press('f');
  await page.getByRole('button', { name: 'Save session' }).click();
  await expect(notice(page)).toContainText(`Marked “${title}” as finished.`);
}

/** The next morning (whole days on the page's clock), with the app opened again: today's plan as it is then. */
async function nextDay(page: Page, days = 1) {
  await page.clock.fastForward(days * DAY);
  await page.reload();
  await tab(page, 'Today');
  await expect(page.getByTestId('path-total')).toBeVisible();
}

test('a week of study: finished readings leave next, come back as reviews when due, and move on when rated', async ({ page }) => {
  await setUp(page, 1);
  // Installed hours before the moment it pauses at, so that a busy machine can never have run past it.
  await page.clock.install({ time: new Date('2026-12-01T00:00:00') });
  await page.clock.pauseAt(new Date('2026-12-01T08:00:00'));
  await page.goto('/');
  await restore(page, 'week.json', backup);

  // Day 1: probability, finished. It leaves "next" (Bayesian inference, which builds on it, stays).
  await tab(page, 'Today');
  await expect.poll(() => newStepIds(page)).toEqual(['linear', 'prob', 'bayes']);
  await studyToTheEnd(page, 'Foundations of Probability', 20);
  await expect.poll(() => newStepIds(page)).toEqual(['linear', 'bayes']);
  expect(await reviewIds(page)).toEqual([]);

  // Day 2: linear models, finished.
  await nextDay(page);
  await studyToTheEnd(page, 'Linear Models', 15);
  await expect.poll(() => newStepIds(page)).not.toContain('linear');

  // The days after: each reading comes back as a review on the day it falls due, and is rated Good.
  const rated = new Map<string, { on: number; inDays: number }>();
  let day = 2;
  while (day < 8 && rated.size < 2) {
    await nextDay(page);
    day++;
    for (const id of await reviewIds(page)) {
      const step = page.locator(`[data-testid="review-step"][data-reading-id="${id}"]`);
      await expect(step).toContainText('Review');
      await expect(step.getByTestId('review-facts')).toContainText(/Recall now about \d+% · last seen \d+ days ago|yesterday/);
      // The path counts it: reviews first, then new readings.
      await expect(page.getByTestId('path-total')).toContainText(/review/);
      await step.getByRole('button', { name: /^Good/ }).click();
      await expect(notice(page)).toContainText(/: Good\. Next review in (\d+) days/);
      const inDays = Number(/Next review in (\d+) days/.exec((await notice(page).textContent()) ?? '')![1]);
      rated.set(id, { on: day, inDays });
      await expect.poll(() => reviewIds(page)).not.toContain(id);
      expect(await newStepIds(page)).not.toContain(id);
    }
  }
  expect([...rated.keys()].sort()).toEqual(['linear', 'prob']);

  // A reload keeps the ratings: neither is due again the next day, and neither came back as new.
  await nextDay(page);
  day++;
  expect(await reviewIds(page)).toEqual([]);
  expect(await newStepIds(page)).not.toContain('prob');
  expect(await newStepIds(page)).not.toContain('linear');

  // Probability's next review falls on the day its Good rating said: not the day before, and then it is back.
  const { on, inDays } = rated.get('prob')!;
  expect(
    on + inDays - 1 - day,
    `days until the day before probability's next review (rated on day ${on}, next in ${inDays} days, today day ${day})`,
  ).toBeGreaterThanOrEqual(0);
  await nextDay(page, on + inDays - 1 - day);
  expect(await reviewIds(page)).not.toContain('prob');
  await nextDay(page);
  expect(await reviewIds(page)).toContain('prob');
});
