/**
 * What I study changes what I see (issue 13): a session's end sets the reading's status with one
 * key, a long reading's pages advance, prerequisites are picked by searching (a cycle is refused,
 * named), the catalog sets a status and Undo takes it back, and sessions are corrected and
 * deleted (Undo brings one back); a reload keeps all of it. A session under a minute is not
 * saved, and the page says why. The timer runs on Playwright's clock: the minutes are exact.
 */
import { expect, test, type Page } from '@playwright/test';
import { notice, tab } from './app-helpers';

async function addReading(page: Page, title: string, fill?: () => Promise<void>) {
  await tab(page, 'Catalog');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await fill?.();
  await page.getByRole('button', { name: 'Save reading' }).click();
  await expect(page.getByText(title, { exact: true })).toBeVisible();
}

/** Starts the timer on a reading and lets `time` of active study pass on the page's paused clock, then stops it. */
async function study(page: Page, title: string, time: string, shown: string) {
  await tab(page, 'Catalog');
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 60_000);
  await page.getByRole('button', { name: `Study ${title}` }).click();
  await page.clock.fastForward(time);
  await expect(page.getByRole('timer', { name: 'Active study time' })).toHaveText(shown);
  await page.getByRole('button', { name: 'Stop' }).click();
}

const statusOf = (page: Page, title: string) => page.getByRole('combobox', { name: `Status of ${title}`, exact: true });

test('study to the end with one key, pick prerequisites (a cycle refused), set a status and undo it, correct and delete sessions; a reload keeps it all', async ({
  page,
}) => {
  await page.clock.install();
  await page.goto('/');
  await addReading(page, 'Basics');
  // A long reading, 200 pages, that builds on Basics: picked by searching its title, from the keyboard.
  await addReading(page, 'Advanced', async () => {
    await page.getByLabel('Track').selectOption('pages');
    await page.getByLabel('Pages in total').fill('200');
    const pick = page.getByRole('combobox', { name: 'Add a prerequisite' });
    await pick.fill('bas');
    await expect(page.getByRole('option', { name: 'Basics' })).toBeVisible();
    await pick.press('Enter');
    await expect(page.getByRole('list', { name: 'Chosen prerequisites' })).toContainText('Basics');
  });
  await expect(page.getByText('p. 0 of 200')).toBeVisible();

  // Basics building on Advanced would close a cycle: refused, named, nothing added.
  await page.getByRole('button', { name: 'Edit Basics' }).click();
  const pick = page.getByRole('combobox', { name: 'Add a prerequisite' });
  await pick.fill('adv');
  await pick.press('Enter');
  await expect(page.getByRole('alert')).toHaveText(
    'Not added: “Basics” → “Advanced” → “Basics” would be a cycle: a reading cannot build on itself, directly or through others.',
  );
  await expect(page.getByText('None.')).toBeVisible();
  await page.getByRole('button', { name: 'Cancel editing' }).click();

  // A first session makes Basics "reading" ("continue later" is the default).
  await study(page, 'Basics', '05:00', '5:00');
  await expect(page.getByRole('radio', { name: 'Continue later (C)' })).toBeChecked();
  await page.getByRole('button', { name: 'Save session' }).click();
  await expect(page.getByRole('heading', { name: /^Studying:/ })).toHaveCount(0);
  await tab(page, 'Catalog');
  await expect(statusOf(page, 'Basics')).toHaveValue('reading');

  // Advanced: 20 minutes to page 80, and finished with one key (focus is on the choice when the form opens).
  await study(page, 'Advanced', '20:00', '20:00');
  await expect(page.getByRole('radio', { name: 'Continue later (C)' })).toBeFocused();
  await page.keyboard.press('f');
  await expect(page.getByRole('radio', { name: 'Finished (F)' })).toBeChecked();
  await page.getByLabel('Reached page (of 200)').fill('80');
  await page.getByRole('button', { name: 'Save session' }).click();
  await expect(notice(page)).toContainText('Session saved. Marked “Advanced” as finished.');
  await tab(page, 'Catalog');
  await expect(statusOf(page, 'Advanced')).toHaveValue('finished');
  await expect(page.getByText('p. 80 of 200')).toBeVisible();

  // A status set in the catalog, and undone from the keyboard.
  await statusOf(page, 'Basics').selectOption('abandoned');
  await expect(notice(page)).toContainText('Marked “Basics” as abandoned.');
  await notice(page).getByRole('button', { name: 'Undo' }).focus();
  await page.keyboard.press('Enter');
  await expect(notice(page)).toContainText('Undone: Marked “Basics” as abandoned.');
  await expect(statusOf(page, 'Basics')).toHaveValue('reading');

  // Correct Advanced's session: under a minute is refused in the form, saying why; 25 minutes and a note are kept.
  await tab(page, 'History');
  await page.getByRole('button', { name: /^Edit the session of .* on Advanced$/ }).click();
  const form = page.getByRole('form', { name: /^Correct the session of .* on “Advanced”$/ });
  await expect(form.getByLabel('Started at')).toBeFocused();
  await form.getByLabel('Active minutes').fill('0');
  await form.getByRole('button', { name: 'Save correction' }).click();
  await expect(form.getByRole('alert')).toContainText('field activeMinutes: a session under one minute is not saved');
  await form.getByLabel('Active minutes').fill('25');
  await form.getByLabel('Notes').fill('Chapter 3 was hard going');
  await form.getByRole('button', { name: 'Save correction' }).click();
  await expect(form).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Edit the session of .* on Advanced$/ })).toBeFocused();
  const advancedRow = page.getByRole('row', { name: /Advanced 25 3/ });
  await expect(advancedRow).toContainText('Chapter 3 was hard going');

  // Delete Basics's session; Undo brings it back.
  await page.getByRole('button', { name: /^Delete the session of .* on Basics$/ }).click();
  await expect(notice(page)).toContainText(/Deleted the session of .* on “Basics”\./);
  await expect(page.getByRole('row', { name: /Basics/ })).toHaveCount(0);
  await notice(page).getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('row', { name: /Basics 5 3/ })).toHaveCount(1);
  // And delete it for good: the reading keeps its status.
  await page.getByRole('button', { name: /^Delete the session of .* on Basics$/ }).click();
  await expect(page.getByRole('row', { name: /Basics/ })).toHaveCount(0);

  await page.reload();
  await tab(page, 'Catalog');
  await expect(statusOf(page, 'Advanced')).toHaveValue('finished');
  await expect(statusOf(page, 'Basics')).toHaveValue('reading');
  await expect(page.getByText('p. 80 of 200')).toBeVisible();
  await page.getByRole('button', { name: 'Edit Advanced' }).click();
  await expect(page.getByRole('list', { name: 'Chosen prerequisites' })).toHaveText(/^Basics/);
  await tab(page, 'History');
  await expect(page.getByRole('row', { name: /Advanced 25 3/ })).toContainText('Chapter 3 was hard going');
  await expect(page.getByRole('row', { name: /Basics/ })).toHaveCount(0);
});

test('under a minute nothing is saved, from the timer or the form, and the page says why; reaching the last page suggests finished', async ({ page }) => {
  await page.clock.install();
  await page.goto('/');
  await addReading(page, 'Short one', async () => {
    await page.getByLabel('Track').selectOption('percent');
  });
  await study(page, 'Short one', '00:40', '0:40');
  await expect(page.getByRole('alert')).toContainText('Not saved: 40 second(s) of active study. A session under one minute is not saved');
  await expect(page.getByRole('button', { name: 'Save session' })).toHaveCount(0);
  // Resumed to two minutes, it can be saved; reaching 100 percent suggests "finished".
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.clock.fastForward('01:20');
  await expect(page.getByRole('timer', { name: 'Active study time' })).toHaveText('2:00');
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.getByLabel('Reached percent (of 100)').fill('100');
  await expect(page.getByRole('radio', { name: 'Finished (F)' })).toBeChecked();
  await expect(page.getByText('That is the end of “Short one”, so it is marked finished')).toBeVisible();
  await page.getByRole('button', { name: 'Save session' }).click();
  await expect(notice(page)).toContainText('Marked “Short one” as finished.');

  await tab(page, 'History');
  const manual = page.getByRole('form', { name: 'Record a past session' });
  await manual.getByLabel('Started at').fill('2026-11-10T19:30');
  await manual.getByLabel('Active minutes').fill('0');
  await manual.getByRole('button', { name: 'Save past session' }).click();
  await expect(manual.getByRole('alert')).toContainText('Record a past session, field activeMinutes: a session under one minute is not saved');
  await expect(page.getByRole('row', { name: /Short one/ })).toHaveCount(1);
});
