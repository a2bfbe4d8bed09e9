/**
 * A new learner (a few readings, no session yet) gets a first path at once, before and without any
 * training, labelled as a starting suggestion: foundations first (prerequisite depth, then difficulty,
 * then length), within the minutes available, never a hidden reading; a reload shows it again.
 */
import { expect, test, type Page } from '@playwright/test';
import { setUp } from './learn-helpers';

const reading = (id: string, title: string, minutes: number, difficulty: number, prerequisites: string[] = [], status = 'unread') => ({
  id,
  title,
  url: null,
  authors: [],
  year: null,
  topics: ['statistics'],
  minutes,
  difficulty,
  prerequisites,
  addedAt: '2026-11-01T00:00:00.000Z',
  status,
  source: 'manual',
  progress: null,
  doi: null,
});

const backup = {
  format: 'studypath-backup',
  version: 3,
  exportedAt: '2026-11-20T00:00:00.000Z',
  // Foundation order: probability (depth 0, difficulty 1), linear models (0, 2), the survey (0, 4, too long
  // for 60 minutes), Bayesian inference (depth 1: it needs probability); the hidden one never.
  readings: [
    reading('bayes', 'Bayesian Inference', 30, 3, ['prob']),
    reading('survey', 'A Survey of Deep Learning', 90, 4),
    reading('linear', 'Linear Models', 15, 2),
    reading('prob', 'Foundations of Probability', 20, 1),
    reading('gone', 'A Hidden Reading', 5, 1, [], 'hidden'),
  ],
  sessions: [],
  settings: { dailyBudgetMinutes: 60 },
  pathPacks: [],
  reviews: [],
};

const stepIds = (page: Page) => page.getByTestId('path-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-reading-id')));

test('a new learner gets a first path at once, labelled a starting suggestion, and a reload keeps it', async ({ page }) => {
  await setUp(page, 1);
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Data', exact: true }).click();
  await page.getByLabel(/Import a file/).setInputFiles({ name: 'new.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(backup)) });
  await page.getByRole('alertdialog', { name: 'Restore new.json?' }).getByRole('button', { name: 'Replace my data' }).click();
  await expect(page.getByRole('status')).toContainText('Restored the backup new.json');
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Today', exact: true }).click();

  // The path is there with no training at all: the model has nothing to learn from yet.
  await expect(page.getByTestId('path-starter')).toContainText('A starting suggestion, not yet from your history');
  await expect(page.getByTestId('path-starter')).toContainText('foundations first');
  await expect.poll(() => stepIds(page)).toEqual(['prob', 'linear']);
  await expect(page.getByTestId('path-total')).toHaveText('2 steps, 35 of 60 minutes.');
  await expect(page.getByTestId('model-state')).toHaveText('Not trained yet.');
  expect(await page.getByRole('progressbar', { name: 'Training progress' }).count()).toBe(0);
  expect(await page.getByTestId('path-step').getByTestId('because').count()).toBe(0);

  // More time: Bayesian inference comes after its prerequisite, the 90-minute survey still does not fit.
  await page.getByLabel('Minutes available').fill('120');
  await expect.poll(() => stepIds(page)).toEqual(['prob', 'linear', 'bayes']);

  // A reload shows the same first path again, at once.
  await page.reload();
  await expect(page.getByTestId('path-starter')).toBeVisible();
  await expect.poll(() => stepIds(page)).toEqual(['prob', 'linear']);
  await expect(page.getByTestId('model-state')).toHaveText('Not trained yet.');
});
