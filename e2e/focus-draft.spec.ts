/**
 * A focus session is a draft in IndexedDB from its first second: a reload brings it back with the
 * minutes it had (the time the page was closed not counted), and leaving the page while the timer
 * runs asks first. The timer runs on Playwright's clock, so the minutes are exact on any machine.
 */
import { expect, test, type Page } from '@playwright/test';
import { tab } from './app-helpers';

async function addReading(page: Page, title: string) {
  await tab(page, 'Catalog');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByRole('button', { name: 'Save reading' }).click();
  await expect(page.getByText(title, { exact: true })).toBeVisible();
}

const TITLE = 'Attention Is All You Need';

/** The page has opened its database (drafts are looked up before this shows): an absent offer is really absent. */
async function loaded(page: Page) {
  await expect(page.getByRole('heading', { name: 'Today', exact: true })).toBeVisible();
}

/** Adds a reading and starts a focus session on it, with the page's clock paused (only fastForward moves it). */
async function startSession(page: Page) {
  await page.clock.install();
  await page.goto('/');
  await addReading(page, TITLE);
  await page.clock.pauseAt(Date.now() + 60_000);
  await page.getByRole('button', { name: `Study ${TITLE}` }).click();
  await expect(page.getByRole('timer', { name: 'Active study time' })).toBeVisible();
}

test('a running session survives a reload: resumed with its 15 minutes, the closed time not counted, then saved to History', async ({ page }) => {
  page.on('dialog', (d) => void d.accept()); // the reload's leave-page question: leave
  await startSession(page);
  const timer = page.getByRole('timer', { name: 'Active study time' });
  await page.clock.fastForward('15:00');
  await expect(timer).toHaveText('15:00');
  // The page says when the draft holding 15 minutes is in IndexedDB; reloading before that could cut the write off.
  await expect(page.getByTestId('draft-kept')).toContainText('15:00');
  await page.reload();
  // Time the page spends closed (here: 10 minutes before it is resumed) is not study.
  await page.clock.fastForward('10:00');
  const offer = page.getByRole('region', { name: 'Unfinished focus session' });
  await expect(offer).toContainText(`${TITLE}: 15 active minute(s) kept`);
  await offer.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Resumed:' })).toHaveText(
    'Resumed: 15 minute(s) kept; the time the page was closed is not counted, and its closing counts as one interruption.',
  );
  await expect(timer).toHaveText('15:00');
  await expect(page.getByTestId('interruptions')).toHaveText('1');
  await expect(offer).toHaveCount(0);
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByText('15 active minute(s).')).toBeVisible();
  await page.getByLabel('Understanding (0–100)').fill('55');
  await page.getByRole('button', { name: 'Save session' }).click();
  await expect(page.getByRole('heading', { name: /^Studying:/ })).toHaveCount(0);
  await tab(page, 'History');
  const row = page.getByRole('row', { name: new RegExp(TITLE) });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('cell').nth(2)).toHaveText('15');
  await expect(row.getByRole('cell').nth(4)).toHaveText('55');
  // Saving deleted the draft: a reload offers nothing.
  await page.reload();
  await loaded(page);
  await expect(page.getByRole('region', { name: 'Unfinished focus session' })).toHaveCount(0);
});

test('a draft can be discarded after a reload, and then it is gone', async ({ page }) => {
  page.on('dialog', (d) => void d.accept());
  await startSession(page);
  await page.clock.fastForward('03:00');
  await expect(page.getByTestId('draft-kept')).toContainText('3:00');
  await page.reload();
  const offer = page.getByRole('region', { name: 'Unfinished focus session' });
  await expect(offer).toContainText(`${TITLE}: 3 active minute(s) kept`);
  await offer.getByRole('button', { name: 'Discard' }).click();
  await expect(offer).toHaveCount(0);
  await page.reload();
  await loaded(page);
  await expect(offer).toHaveCount(0);
  await tab(page, 'History');
  await expect(page.getByText('No study sessions yet.')).toBeVisible();
});

test('leaving the page while the timer runs raises the leave-page dialog; paused, it does not', async ({ page }) => {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    void d.dismiss(); // stay on the page
  });
  await startSession(page);
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => dialogs).toEqual(['beforeunload']);
  // Dismissed: the page stayed, with its session.
  expect(page.isClosed()).toBe(false);
  await expect(page.getByRole('timer', { name: 'Active study time' })).toBeVisible();
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  await Promise.all([page.waitForEvent('close'), page.close({ runBeforeUnload: true })]);
  expect(dialogs).toEqual(['beforeunload']);
});

test('a session running in another tab is not offered there; once that tab is gone, it is', async ({ context }) => {
  const a = await context.newPage();
  await startSession(a);
  await a.clock.fastForward('07:00');
  await expect(a.getByTestId('draft-kept')).toContainText('7:00');
  const b = await context.newPage();
  await b.goto('/');
  await loaded(b);
  await expect(b.getByRole('region', { name: 'Unfinished focus session' })).toHaveCount(0);
  await a.close(); // a crash or a closed tab: no leave-page question
  await b.reload();
  await expect(b.getByRole('region', { name: 'Unfinished focus session' })).toContainText(`${TITLE}: 7 active minute(s) kept`);
});

test('starting another session over a running one keeps the first as a draft, offered once the second is done', async ({ page }) => {
  await startSession(page);
  await page.clock.fastForward('02:00');
  await expect(page.getByRole('timer', { name: 'Active study time' })).toHaveText('2:00');
  await addReading(page, 'Deep Learning');
  await page.getByRole('button', { name: 'Study Deep Learning' }).click();
  await expect(page.getByRole('heading', { name: 'Studying: Deep Learning' })).toBeVisible();
  await expect(page.getByRole('timer', { name: 'Active study time' })).toHaveText('0:00');
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.getByRole('button', { name: 'Discard' }).click();
  const offer = page.getByRole('region', { name: 'Unfinished focus session' });
  await expect(offer).toContainText(`${TITLE}: 2 active minute(s) kept`);
  await offer.getByRole('button', { name: 'Stop and save' }).click();
  await expect(page.getByText('2 active minute(s).')).toBeVisible();
  await page.getByRole('button', { name: 'Save session' }).click();
  await expect(offer).toHaveCount(0);
  await tab(page, 'History');
  await expect(
    page
      .getByRole('row', { name: new RegExp(TITLE) })
      .getByRole('cell')
      .nth(2),
  ).toHaveText('2');
  await page.reload();
  await loaded(page);
  await expect(offer).toHaveCount(0);
});
