import { expect, test, type Page } from '@playwright/test';
import { tab } from './app-helpers';

/**
 * No blank tab: rows that fail today's validation (written by an older app, or
 * around the check) are reported while the rest renders; a date outside the
 * accepted years is refused in the form with the field named; and a section
 * that fails to render is replaced by a message naming it, with a backup
 * export, while every other section keeps working.
 */

async function addReading(page: Page, title: string) {
  await tab(page, 'Catalog');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByRole('button', { name: 'Save reading' }).click();
  await expect(page.getByText(title, { exact: true })).toBeVisible();
}

/** Writes rows straight into the app's IndexedDB, around every check of the app (as an old version of it might have). */
async function seed(page: Page, store: 'readings' | 'sessions', rows: Record<string, unknown>[]) {
  await page.evaluate(
    ({ store, rows }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('studypath');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(store, 'readwrite');
          for (const r of rows) tx.objectStore(store).put(r);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    { store, rows },
  );
}

async function readingId(page: Page, title: string): Promise<string> {
  return page.evaluate(
    (title) =>
      new Promise<string>((resolve, reject) => {
        const open = indexedDB.open('studypath');
        open.onsuccess = () => {
          const req = open.result.transaction('readings').objectStore('readings').getAll();
          req.onsuccess = () => {
            open.result.close();
            const r = (req.result as { id: string; title: string }[]).find((x) => x.title === title);
            if (r) resolve(r.id);
            else reject(new Error(`no reading titled ${title}`));
          };
        };
      }),
    title,
  );
}

const session = (id: string, readingId: string, start: string, end = start) => ({
  id,
  readingId,
  start,
  end,
  activeMinutes: 25,
  focus: 4,
  interruptions: 0,
  understanding: 70,
  quizScore: null,
  notes: '',
});

test('a session at the edge of the dates JavaScript holds does not blank History', async ({ page }) => {
  await page.goto('/');
  await addReading(page, 'Fine reading');
  const id = await readingId(page, 'Fine reading');
  await seed(page, 'sessions', [
    session('good', id, '2026-11-02T09:00:00.000Z', '2026-11-02T09:30:00.000Z'),
    session('edge', id, '-271821-04-20T00:00:00.000Z'),
  ]);
  for (let visit = 0; visit < 2; visit++) {
    await page.reload();
    await tab(page, 'History');
    await expect(page.getByRole('heading', { name: 'History', exact: true })).toBeVisible();
    await expect(page.getByRole('row', { name: /Fine reading 25 4 70/ })).toHaveCount(1);
    await expect(page.getByRole('heading', { name: 'Statistics' })).toBeVisible();
    await expect(
      page.getByText('database, sessions "edge", field start: "-271821-04-20T00:00:00.000Z" is outside the dates this app accepts (years 1900 to 2200)'),
    ).toBeVisible();
  }
});

test('an old row never re-validated does not blank the catalog', async ({ page }) => {
  await page.goto('/');
  await addReading(page, 'Fine reading');
  // A first-version row: authors kept as one string, no difficulty or source.
  await seed(page, 'readings', [
    {
      id: 'old',
      title: 'Old row',
      url: null,
      authors: 'Vaswani, Ashish',
      year: 2017,
      topics: ['nlp'],
      minutes: 60,
      prerequisites: [],
      addedAt: '2020-01-01T00:00:00.000Z',
      status: 'unread',
    },
  ]);
  await page.reload();
  await tab(page, 'Catalog');
  await expect(page.getByRole('heading', { name: 'Catalog', exact: true })).toBeVisible();
  await expect(page.getByText('Fine reading', { exact: true })).toBeVisible();
  await expect(page.getByText('database, readings "old", field authors: must be a list')).toBeVisible();
  // The catalog still works: search, then add.
  await page.getByLabel('Search readings').fill('fine');
  await expect(page.getByText('1 of 1 readings')).toBeVisible();
  await page.getByLabel('Search readings').fill('');
  await addReading(page, 'Another reading');
});

test('a past session in year 99999 is refused in the form, naming the field', async ({ page }) => {
  await page.goto('/');
  await addReading(page, 'Fine reading');
  await tab(page, 'History');
  const form = page.getByRole('form', { name: 'Record a past session' });
  await form.getByLabel('Started at').fill('99999-01-01T10:00');
  await form.getByLabel('Active minutes').fill('30');
  await form.getByRole('button', { name: 'Save past session' }).click();
  await expect(form.getByRole('alert')).toContainText('field start: "99999-01-01T10:00" is outside the dates this app accepts (years 1900 to 2200)');
  await expect(page.getByText('No study sessions yet.')).toBeVisible();
  // Corrected, it saves and the message goes.
  await form.getByLabel('Started at').fill('2026-11-10T19:30');
  await form.getByRole('button', { name: 'Save past session' }).click();
  await expect(page.getByRole('row', { name: /Fine reading 30 3/ })).toHaveCount(1);
  await expect(form.getByRole('alert')).toHaveCount(0);
});

test('a section that fails to render says so and offers a backup; the others keep working', async ({ page }) => {
  // A fault injected into the page: History's date formatting throws until the test lifts it.
  await page.addInitScript(() => {
    const w = window as unknown as { __breakDates: boolean };
    w.__breakDates = true;
    const original = Date.prototype.toLocaleString;
    Date.prototype.toLocaleString = function (this: Date, ...args: []) {
      if (w.__breakDates) throw new Error('injected fault in toLocaleString');
      return original.apply(this, args);
    };
  });
  await page.goto('/');
  await addReading(page, 'Fine reading');
  await tab(page, 'History');
  const form = page.getByRole('form', { name: 'Record a past session' });
  await form.getByLabel('Started at').fill('2026-11-10T19:30');
  await form.getByLabel('Active minutes').fill('42');
  await form.getByRole('button', { name: 'Save past session' }).click();

  const failed = page.getByRole('region', { name: 'The History section could not be shown' });
  await expect(failed).toBeVisible();
  await expect(failed.getByRole('alert')).toHaveText('injected fault in toLocaleString');
  // The rest of the tab and the other tabs still work.
  await expect(page.getByRole('heading', { name: 'Statistics' })).toBeVisible();
  await expect(form).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), failed.getByRole('button', { name: 'Export a backup' }).click()]);
  const backup = JSON.parse(Buffer.concat(await (await download.createReadStream()).toArray()).toString('utf8'));
  expect(backup.format).toBe('studypath-backup');
  expect(backup.sessions.map((s: { activeMinutes: number }) => s.activeMinutes)).toEqual([42]);
  await tab(page, 'Catalog');
  await expect(page.getByText('Fine reading', { exact: true })).toBeVisible();
  await tab(page, 'History');
  await expect(failed).toBeVisible();
  // Fault lifted: "Try again" renders the section.
  await page.evaluate(() => {
    (window as unknown as { __breakDates: boolean }).__breakDates = false;
  });
  await failed.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('row', { name: /Fine reading 42 3/ })).toHaveCount(1);
  await expect(failed).toHaveCount(0);
});
