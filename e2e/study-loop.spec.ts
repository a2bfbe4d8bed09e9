/**
 * The loop of issue 13 in one go, on the page's clock: a new learner gets a first path at once;
 * studies the first step and finishes it with one key; it leaves "next"; a prerequisite added in
 * the catalog changes the path (the reading waits for the one it now builds on); a reload keeps
 * all of it.
 */
import { expect, test } from '@playwright/test';
import { setUp } from './learn-helpers';
import { backupOf, backupReading, newStepIds, notice, restore, tab } from './app-helpers';

// Foundations first: probability (difficulty 1), linear models (2), optimisation (3); inference builds on probability.
const backup = backupOf(
  [
    backupReading('prob', 'Foundations of Probability', 20, 1),
    backupReading('linear', 'Linear Models', 15, 2),
    backupReading('optim', 'Convex Optimisation', 25, 3),
    backupReading('infer', 'Statistical Inference', 30, 2, ['prob']),
  ],
  { dailyBudgetMinutes: 120 },
);

test('the study loop: a first path at once, a reading studied and finished leaves it, a prerequisite edit changes it, a reload keeps it', async ({ page }) => {
  await setUp(page, 1);
  // Installed hours before the moment it pauses at, so that a busy machine can never have run past it.
  await page.clock.install({ time: new Date('2026-12-01T00:00:00') });
  await page.clock.pauseAt(new Date('2026-12-01T08:00:00'));
  await page.goto('/');
  await restore(page, 'start.json', backup);

  // A first path at once, with no training.
  await tab(page, 'Today');
  await expect(page.getByTestId('path-starter')).toContainText('A starting suggestion');
  await expect.poll(() => newStepIds(page)).toEqual(['prob', 'linear', 'optim', 'infer']);

  // The first step, accepted, studied for 20 minutes on the page's clock, finished with F.
  await page.getByRole('button', { name: 'Accept Foundations of Probability and start the focus timer' }).click();
  await page.clock.fastForward(20 * 60_000);
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.keyboard.press('f');
  await page.getByRole('button', { name: 'Save session' }).click();
  await expect(notice(page)).toContainText('Marked “Foundations of Probability” as finished.');
  await tab(page, 'Today');
  await expect.poll(() => newStepIds(page)).toEqual(['linear', 'optim', 'infer']);

  // Linear models now builds on convex optimisation: it moves after it (foundations first).
  await tab(page, 'Catalog');
  await page.getByRole('button', { name: 'Edit Linear Models' }).click();
  const pick = page.getByRole('combobox', { name: 'Add a prerequisite' });
  await pick.fill('convex');
  await pick.press('Enter');
  await expect(page.getByRole('list', { name: 'Chosen prerequisites' })).toContainText('Convex Optimisation');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await tab(page, 'Today');
  await expect.poll(() => newStepIds(page)).toEqual(['optim', 'linear', 'infer']);

  await page.reload();
  await tab(page, 'Today');
  await expect.poll(() => newStepIds(page)).toEqual(['optim', 'linear', 'infer']);
  await tab(page, 'Catalog');
  await expect(page.getByRole('combobox', { name: 'Status of Foundations of Probability', exact: true })).toHaveValue('finished');
});
