/**
 * A day's study without a mouse (issue 16): add a reading, study it, stop, rate, save, find the session in the
 * history and the reading by its note in the catalog's search, each by keyboard.press alone. Focus goes where a
 * keyboard user expects after each action (checked below), and the timer runs on the page's clock.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { axeViolations } from './axe-helpers';
import { notice } from './app-helpers';

/** Presses Tab (or Shift+Tab) until `target` has focus: fails if it is not reached in `most` presses. */
async function tabTo(page: Page, target: Locator, { back = false, most = 80 } = {}) {
  for (let i = 0; i < most; i++) {
    if (await target.evaluate((e) => e === document.activeElement)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  await expect(target).toBeFocused();
}

const section = (page: Page, name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true });

test('add, study, stop, rate and save a reading, then find it in the history and by its note, keyboard only', async ({ page }) => {
  await page.clock.install();
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Your catalog is empty' })).toBeVisible();

  // The catalog, and a reading added from its form: Enter in the title field saves it.
  await tabTo(page, section(page, 'Catalog'));
  await page.keyboard.press('Enter');
  const title = page.getByLabel('Title', { exact: true });
  await tabTo(page, title);
  await page.keyboard.type('Keyboard reading');
  await tabTo(page, page.getByRole('textbox', { name: 'Topics' }));
  await page.keyboard.type('accessibility');
  await page.keyboard.press('Enter');
  await expect(notice(page)).toContainText('Added “Keyboard reading”.');
  // The fresh add form has focus, ready for the next reading.
  await expect(title).toBeFocused();
  await expect(title).toHaveValue('');

  // Study: focus moves to the timer, whose minutes come from the page's clock.
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 60_000);
  const study = page.getByRole('button', { name: 'Study Keyboard reading' });
  await tabTo(page, study, { back: true });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Studying: Keyboard reading' })).toBeFocused();
  await page.clock.fastForward('25:00');
  await expect(page.getByRole('timer', { name: 'Active study time' })).toHaveText('25:00');

  // Stop: focus moves to the session's end, on its default choice; F says finished.
  await tabTo(page, page.getByRole('button', { name: 'Stop' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('radio', { name: 'Continue later (C)' })).toBeFocused();
  await page.keyboard.press('f');
  await expect(page.getByRole('radio', { name: 'Finished (F)' })).toBeChecked();
  // The timer is stopped: the clock may run again (axe waits on timers), and counts nothing more.
  await page.clock.resume();
  expect(await axeViolations(page)).toEqual([]);
  await expect(page.getByRole('timer', { name: 'Active study time' })).toHaveText('25:00');
  await tabTo(page, page.getByLabel('Focus (1–5)'));
  await page.keyboard.press('5');
  await expect(page.getByLabel('Focus (1–5)')).toHaveValue('5');
  await page.keyboard.press('Tab');
  await page.keyboard.type('80');
  await tabTo(page, page.getByLabel('Notes'));
  await page.keyboard.type('read with the keyboard alone');

  // Save: the notice says so, and focus is back on the Study button the session started from.
  await tabTo(page, page.getByRole('button', { name: 'Save session' }));
  await page.keyboard.press('Enter');
  await expect(notice(page)).toContainText('Session saved.');
  await expect(study).toBeFocused();
  await expect(page.getByRole('combobox', { name: 'Status of Keyboard reading' })).toHaveValue('finished');

  // The history lists the session with its minutes, ratings and note.
  await tabTo(page, section(page, 'History'), { back: true });
  await page.keyboard.press('Enter');
  const row = page.getByRole('row').filter({ hasText: 'Keyboard reading' });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole('cell')).toContainText(['Keyboard reading', '25', '5', '80', '0', 'read with the keyboard alone']);

  // The catalog's search finds the reading by its session's note, and by its topic.
  await tabTo(page, section(page, 'Catalog'), { back: true });
  await page.keyboard.press('Enter');
  const search = page.getByRole('searchbox', { name: 'Search readings' });
  await tabTo(page, search);
  await page.keyboard.type('keyboard alone');
  await expect(page.getByText('1 of 1 readings')).toBeVisible();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('no such words');
  await expect(page.getByText('0 of 1 readings')).toBeVisible();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('accessib');
  await expect(page.getByText('1 of 1 readings')).toBeVisible();
});

test('stopping under a minute says why it is not saved and leaves focus on Resume', async ({ page }) => {
  await page.clock.install();
  await page.goto('/');
  await section(page, 'Catalog').press('Enter');
  await page.getByLabel('Title', { exact: true }).focus();
  await page.keyboard.type('Short one');
  await page.keyboard.press('Enter');
  await expect(notice(page)).toContainText('Added “Short one”.');
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 60_000);
  await tabTo(page, page.getByRole('button', { name: 'Study Short one' }), { back: true });
  await page.keyboard.press('Enter');
  await page.clock.fastForward('00:40');
  await tabTo(page, page.getByRole('button', { name: 'Stop' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('alert')).toContainText('Not saved: 40 second(s) of active study.');
  await expect(page.getByRole('button', { name: 'Resume' })).toBeFocused();
});
