import { expect, test } from '@playwright/test';

test('the engine check trains on WebGPU in the browser and learns the rule', async ({ page }) => {
  const foreign: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.hostname !== 'localhost' && u.protocol !== 'data:') foreign.push(r.url());
  });
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Engine check', exact: true }).click();
  await page.getByRole('button', { name: 'Run engine check' }).click();
  const bar = page.getByRole('progressbar', { name: 'Training progress' });
  await expect(bar).toBeVisible();
  await expect(page.getByTestId('backend')).toContainText('WebGPU');
  if (process.env.E2E_REAL_GPU) await expect(page.getByTestId('backend')).not.toContainText('swiftshader');
  await expect(bar).toHaveAttribute('aria-valuenow', '100', { timeout: 280_000 });
  const hr = Number(await page.getByTestId('hr10').textContent());
  console.log(`browser engine check: ${await page.getByTestId('backend').textContent()}, held-out HR@10 ${hr}`);
  expect(hr).toBeGreaterThan(0.9);
  expect(foreign).toEqual([]);
});
