/**
 * With WebGPU disabled (navigator.gpu exists but gives no adapter: see
 * noAdapterArgs), the trainer runs the CPU reference model and the page says so.
 */
import { expect, test } from '@playwright/test';
import { noAdapterArgs } from '../playwright.config';
import { checkBecause, reasonsShown, setUp } from './learn-helpers';

test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: noAdapterArgs } });

test('the CPU fallback trains and recommends, and says so', async ({ page }) => {
  await setUp(page, 1);
  await page.goto('/');
  await page.getByRole('button', { name: 'Load the demo' }).click();
  await expect(page.getByTestId('cpu-fallback')).toContainText('runs on the CPU', { timeout: 60_000 });
  await expect(page.getByTestId('model-state')).toHaveText('Up to date with your history.', { timeout: 180_000 });
  await expect(page.getByTestId('model-backend')).toContainText('CPU');
  await expect(page.getByTestId('recommendation').first()).toBeVisible();
  await checkBecause(page, 'recommendation', await reasonsShown(page));
});
