/**
 * A new learner (a few readings, no session yet) gets a first path at once, before and without any
 * training, labelled as a starting suggestion: foundations first (prerequisite depth, then difficulty,
 * then length), within the minutes available, never a hidden reading; a reload shows it again.
 */
import { expect, test } from '@playwright/test';
import { setUp } from './learn-helpers';
import { backupOf, backupReading, newStepIds, restore, tab } from './app-helpers';

const backup = backupOf(
  // Foundation order: probability (depth 0, difficulty 1), linear models (0, 2), the survey (0, 4, too long
  // for 60 minutes), Bayesian inference (depth 1: it needs probability); the hidden one never.
  [
    backupReading('bayes', 'Bayesian Inference', 30, 3, ['prob']),
    backupReading('survey', 'A Survey of Deep Learning', 90, 4),
    backupReading('linear', 'Linear Models', 15, 2),
    backupReading('prob', 'Foundations of Probability', 20, 1),
    backupReading('gone', 'A Hidden Reading', 5, 1, [], { status: 'hidden' }),
  ],
);

test('a new learner gets a first path at once, labelled a starting suggestion, and a reload keeps it', async ({ page }) => {
  await setUp(page, 1);
  await page.goto('/');
  await restore(page, 'new.json', backup);
  await tab(page, 'Today');

  // The path is there with no training at all: the model has nothing to learn from yet.
  await expect(page.getByTestId('path-starter')).toContainText('A starting suggestion, not yet from your history');
  await expect(page.getByTestId('path-starter')).toContainText('foundations first');
  await expect.poll(() => newStepIds(page)).toEqual(['prob', 'linear']);
  await expect(page.getByTestId('path-total')).toHaveText('2 steps, 35 of 60 minutes.');
  await expect(page.getByTestId('model-state')).toHaveText('Not trained yet.');
  expect(await page.getByRole('progressbar', { name: 'Training progress' }).count()).toBe(0);
  expect(await page.getByTestId('path-step').getByTestId('because').count()).toBe(0);

  // More time: Bayesian inference comes after its prerequisite, the 90-minute survey still does not fit.
  await page.getByLabel('Minutes available').fill('120');
  await expect.poll(() => newStepIds(page)).toEqual(['prob', 'linear', 'bayes']);

  // A reload shows the same first path again, at once.
  await page.reload();
  await expect(page.getByTestId('path-starter')).toBeVisible();
  await expect.poll(() => newStepIds(page)).toEqual(['prob', 'linear']);
  await expect(page.getByTestId('model-state')).toHaveText('Not trained yet.');
});
