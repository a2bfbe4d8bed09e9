/**
 * One trainer across tabs (Web Locks in the workers): the first tab trains,
 * a second tab on the same IndexedDB shows that model read-only with no
 * training of its own, picks up the first tab's retrained checkpoint, and
 * takes over training when the first tab closes. On the CPU engine (no
 * adapter), which is quicker than SwiftShader here.
 */
import { expect, test } from '@playwright/test';
import { noAdapterArgs } from '../playwright.config';
import { setUp } from './learn-helpers';

test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: noAdapterArgs } });

test('two tabs: only the first trains, the second shows its model read-only, follows its retrain, and takes over when it closes', async ({ page, context }) => {
  test.setTimeout(300_000);
  await setUp(page, 1);
  await page.goto('/');
  await page.getByRole('button', { name: 'Load the demo' }).click();
  const state = (p: typeof page) => p.getByTestId('model-state');
  await expect(state(page)).toHaveText('Up to date with your history.', { timeout: 180_000 });
  await expect(page.getByTestId('model-read-only')).toHaveCount(0);

  const second = await context.newPage();
  await setUp(second, 1);
  await second.goto('/');
  await expect(second.getByTestId('model-read-only')).toContainText('Training runs in another tab', { timeout: 60_000 });
  // Not "up to date": this tab did not train it, and its data may be newer than the model.
  await expect(state(second)).toHaveText('Showing the model the other tab trained.');
  await expect(second.getByTestId('model-backend')).toHaveText((await page.getByTestId('model-backend').textContent())!);
  await expect(second.getByRole('button', { name: /Retrain from scratch|Train on my history/ })).toHaveCount(0);

  // The first tab retrains; the second shows no training of its own, then the new checkpoint.
  const before = await second.getByTestId('model-backend').textContent();
  await page.getByRole('button', { name: 'Retrain from scratch' }).click();
  await expect(page.getByRole('progressbar', { name: 'Training progress' })).toBeVisible({ timeout: 60_000 });
  await expect(state(page)).toHaveText('Up to date with your history.', { timeout: 180_000 });
  const after = (await page.getByTestId('model-backend').textContent())!;
  expect(after).not.toBe(before);
  await expect(second.getByTestId('model-backend')).toHaveText(after, { timeout: 60_000 });
  await expect(second.getByRole('progressbar', { name: 'Training progress' })).toHaveCount(0);
  await expect(second.getByTestId('recommendation').first()).toBeVisible();

  // The first tab closes: its lock goes with its worker, and the second tab trains from now on.
  await page.close();
  await expect(second.getByTestId('model-read-only')).toHaveCount(0, { timeout: 60_000 });
  await expect(second.getByRole('button', { name: 'Retrain from scratch' })).toBeVisible();
  await expect(state(second)).toHaveText('Up to date with your history.');
});
