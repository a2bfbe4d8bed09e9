/**
 * Every section passes axe (issue 16), empty and with the demo: no rule disabled, no element excluded, and the
 * experimental label/name rule (`label-content-name-mismatch`: a control's visible text is part of its accessible
 * name) switched on. At 360 × 740 px no section scrolls sideways.
 */
import { expect, test, type Page } from '@playwright/test';
import { setUp } from './learn-helpers';
import { axeViolations } from './axe-helpers';

const SECTIONS = ['Today', 'Catalog', 'History', 'Data', 'Engine check'] as const;

async function open(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true })).toHaveAttribute('aria-current', 'page');
}

/** How far the page scrolls sideways (0 when it fits), and the innermost elements reaching past its right edge. */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const past = [...document.body.querySelectorAll('*')].filter(
      (e) => e.getBoundingClientRect().right > width + 0.5 && ![...e.children].some((c) => c.getBoundingClientRect().right > width + 0.5),
    );
    return { by: document.documentElement.scrollWidth - width, past: past.slice(0, 5).map((e) => e.outerHTML.slice(0, 120)) };
  });

async function empty(page: Page) {
  await setUp(page, 1);
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Your catalog is empty' })).toBeVisible();
}

async function demo(page: Page) {
  await empty(page);
  await page.getByRole('button', { name: 'Load the demo' }).click();
  await expect(page.getByText('Demo data', { exact: true })).toBeVisible();
  // Today as a learner sees it once the model has trained: recommendations and the path with their buttons.
  await expect(page.getByTestId('model-state')).toHaveText('Up to date with your history.', { timeout: 240_000 });
  await expect(page.getByTestId('recommendation').first()).toBeVisible();
  await expect(page.getByTestId('path-step').first()).toBeVisible();
}

for (const [data, prepare] of [
  ['empty', empty],
  ['the demo', demo],
] as const) {
  test(`axe finds no violation in any section, with ${data}`, async ({ page }) => {
    test.setTimeout(400_000);
    await prepare(page);
    for (const name of SECTIONS) {
      await open(page, name);
      expect.soft(await axeViolations(page), `${name} with ${data}`).toEqual([]);
      // Each section is a region named by a heading inside it.
      const unnamed = await page.locator('main section').evaluateAll((sections) =>
        sections
          .filter((s) => {
            const heading = document.getElementById(s.getAttribute('aria-labelledby') ?? '');
            return !heading || !/^H[1-6]$/.test(heading.tagName) || !s.contains(heading);
          })
          .map((s) => s.outerHTML.slice(0, 100)),
      );
      expect.soft(unnamed, `${name} with ${data}`).toEqual([]);
    }
  });

  test(`no section scrolls sideways at 360 × 740, with ${data}`, async ({ page }) => {
    test.setTimeout(400_000);
    await page.setViewportSize({ width: 360, height: 740 });
    await prepare(page);
    for (const name of SECTIONS) {
      await open(page, name);
      const { by, past } = await overflow(page);
      expect.soft(by, `${name} with ${data}: ${past.join(' | ')}`).toBe(0);
    }
  });
}
