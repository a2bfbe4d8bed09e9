import { expect, test, type Page } from '@playwright/test';
import { builtFiles, cachedPaths } from './offline-helpers';
import { tab } from './app-helpers';

/** Every request must stay on localhost. */
function watchRequests(page: Page): string[] {
  const foreign: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.hostname !== 'localhost' && !['data:', 'blob:'].includes(u.protocol)) foreign.push(r.url());
  });
  return foreign;
}

async function readingCount(page: Page): Promise<number> {
  await tab(page, 'Catalog');
  const text = (await page.getByText(/\d+ of \d+ readings/).textContent()) ?? '';
  return Number(/of (\d+) readings/.exec(text)![1]);
}

async function importText(page: Page, name: string, text: string) {
  await tab(page, 'Data');
  await page.getByLabel(/Import a file/).setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(text) });
}

async function addReading(page: Page, title: string) {
  await tab(page, 'Catalog');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByRole('button', { name: 'Save reading' }).click();
  await expect(page.getByText(title, { exact: true })).toBeVisible();
}

test('an empty database offers the demo, which loads a real catalog and history', async ({ page }) => {
  const foreign = watchRequests(page);
  await page.goto('/');
  await page.getByRole('button', { name: 'Load the demo' }).click();
  await expect(page.getByText('Demo data', { exact: true })).toBeVisible();
  expect(await readingCount(page)).toBeGreaterThanOrEqual(150);
  await tab(page, 'History');
  expect(await page.getByRole('row').count()).toBeGreaterThan(30);
  expect(foreign).toEqual([]);
});

test('add a reading, run a focus session, reload and see both persisted', async ({ page }) => {
  const foreign = watchRequests(page);
  // Playwright's clock: the timer moves by fastForward, so the minutes are exact on any machine.
  await page.clock.install();
  await page.goto('/');
  await addReading(page, 'Attention Is All You Need');
  await page.clock.pauseAt(Date.now() + 60_000); // the page's time stands still from here; only fastForward moves it
  await page.getByRole('button', { name: 'Study Attention Is All You Need' }).click();
  await expect(page.getByRole('timer', { name: 'Active study time' })).toBeVisible();
  await page.clock.fastForward('12:00');
  await expect(page.getByRole('timer', { name: 'Active study time' })).toHaveText('12:00');
  await page.getByRole('button', { name: 'Pause' }).click();
  // Paused time does not count.
  await page.clock.fastForward('30:00');
  await expect(page.getByRole('timer', { name: 'Active study time' })).toHaveText('12:00');
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.clock.fastForward('08:00');
  await expect(page.getByRole('timer', { name: 'Active study time' })).toHaveText('20:00');
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(page.getByText('20 active minute(s).')).toBeVisible();
  await page.getByLabel('Focus (1–5)').selectOption('4');
  await page.getByLabel('Understanding (0–100)').fill('70');
  await page.getByRole('button', { name: 'Save session' }).click();
  // The timer closes once the session is in IndexedDB; a reload before that could cut the write off.
  await expect(page.getByRole('heading', { name: /^Studying:/ })).toHaveCount(0);
  await page.reload();
  await tab(page, 'History');
  const row = page.getByRole('row', { name: /Attention Is All You Need/ });
  await expect(row).toBeVisible();
  await expect(row).toContainText('70');
  expect(await readingCount(page)).toBe(1);
  expect(foreign).toEqual([]);
});

test('export, wipe, import gives back identical data', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Load the demo' }).click();
  await expect(page.getByText('Demo data', { exact: true })).toBeVisible();
  await addReading(page, 'My own note on SASRec');
  await tab(page, 'Data');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export backup' }).click()]);
  const exported = JSON.parse(await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8')));
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const req = indexedDB.deleteDatabase('studypath');
        req.onsuccess = () => resolve();
        req.onblocked = () => resolve();
      }),
  );
  await page.reload();
  await expect(page.getByRole('button', { name: 'Load the demo' })).toBeVisible();
  await importText(page, 'backup.json', JSON.stringify(exported));
  const confirm = page.getByRole('alertdialog', { name: 'Restore backup.json?' });
  await expect(confirm).toContainText(`Readings: 0 → ${exported.readings.length}`);
  await confirm.getByRole('button', { name: 'Replace my data' }).click();
  await expect(page.getByRole('status')).toContainText('Restored the backup backup.json');
  const [again] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export backup' }).click()]);
  const back = JSON.parse(await (await again.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8')));
  expect({ ...back, exportedAt: '' }).toEqual({ ...exported, exportedAt: '' });
});

test('bad files get a clear error and change nothing; markup stays text', async ({ page }) => {
  const foreign = watchRequests(page);
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await page.goto('/');
  await addReading(page, 'Keep me');
  const header = '"Key","Item Type","Publication Year","Author","Title","Url"';
  // A reference file's bad rows are refused in the import's preview, which writes nothing.
  await importText(page, 'broken.csv', `${header}\n"K","book","19x9","A","T",""\n`);
  const broken = page.getByRole('alertdialog', { name: 'Import broken.csv?' });
  await expect(broken).toContainText('broken.csv, line 2, field Publication Year');
  await broken.getByRole('button', { name: 'Close' }).click();
  await importText(page, 'links.csv', `${header}\n"K","book","2001","A","T","javascript:alert(1)"\n`);
  const links = page.getByRole('alertdialog', { name: 'Import links.csv?' });
  await expect(links).toContainText('links.csv, line 2, field Url: only http and https');
  await links.getByRole('button', { name: 'Close' }).click();
  await importText(page, 'old.json', JSON.stringify({ format: 'studypath-backup', version: 7, readings: [] }));
  await expect(page.getByRole('alert')).toContainText('old.json was made by a newer version of StudyPath (backup version 7');
  expect(await readingCount(page)).toBe(1);
  await importText(page, 'evil.bib', '@misc{x, title = {<img src=x onerror=alert(1)><script>alert(2)</script>}, year = 2020, url = {https://example.org/x}}');
  await page.getByRole('alertdialog', { name: 'Import evil.bib?' }).getByRole('button', { name: 'Import 1 new' }).click();
  await expect(page.getByRole('status')).toContainText('Imported evil.bib: 1 new, 0 merged.');
  await tab(page, 'Catalog');
  await expect(page.getByText('<img src=x onerror=alert(1)><script>alert(2)</script>')).toBeVisible();
  expect(dialogs).toBe(0);
  expect(await page.locator('.readings img, .readings script').count()).toBe(0);
  expect(foreign).toEqual([]);
});

test('two tabs writing at once keep both sessions', async ({ context }) => {
  // Both tabs on Playwright's clock (one per context): a session is saved only from a minute of study, and the
  // minutes move by fastForward. Each tab's timer is stopped before the other's runs.
  await context.clock.install();
  const a = await context.newPage();
  await a.goto('/');
  await addReading(a, 'Shared reading');
  const b = await context.newPage();
  await b.goto('/');
  await context.clock.pauseAt(Date.now() + 60_000);
  const study = async (p: Page, understanding: string) => {
    await tab(p, 'Catalog');
    await p.getByRole('button', { name: 'Study Shared reading' }).click();
    await p.clock.fastForward('02:00');
    await expect(p.getByRole('timer', { name: 'Active study time' })).toHaveText('2:00');
    await p.getByRole('button', { name: 'Stop' }).click();
    await p.getByLabel('Understanding (0–100)').fill(understanding);
  };
  await study(a, '11');
  await study(b, '22');
  await Promise.all([a.getByRole('button', { name: 'Save session' }).click(), b.getByRole('button', { name: 'Save session' }).click()]);
  for (const p of [a, b]) {
    await tab(p, 'History');
    await expect(p.getByRole('row', { name: /Shared reading/ })).toHaveCount(2);
  }
});

test('statistics charts and recording a past session', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Load the demo' }).click();
  await tab(page, 'History');
  await expect(page.getByRole('img', { name: /Minutes per topic per week\. week of/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /Focus over time/ })).toBeVisible();
  const before = await page.getByRole('row').count();
  await page.getByLabel('Reading').selectOption({ label: 'Self-Attentive Sequential Recommendation' });
  await page.getByLabel('Started at').fill('2026-11-10T19:30');
  await page.getByLabel('Active minutes').fill('42');
  await page.getByLabel('Focus (1–5)').selectOption('5');
  await page.getByRole('button', { name: 'Save past session' }).click();
  await expect(page.getByRole('row')).toHaveCount(before + 1);
  await expect(page.getByRole('row', { name: /Self-Attentive Sequential Recommendation 42 5/ })).toBeVisible();
});

test('after the first load, with no second online visit, the app works with the network cut off', async ({ page, context }) => {
  const files = builtFiles();
  // The build's entry points, its training worker chunk, the demo and the icons are all among them.
  expect(files).toEqual(expect.arrayContaining(['/index.html', '/demo/demo.json', '/manifest.webmanifest', '/icon-192.png']));
  expect(
    files.some((f) => /^\/assets\/entry-[\w-]+\.js$/.test(f)), // the training worker, src/worker/entry.ts
    `a worker chunk in ${files.join(', ')}`,
  ).toBe(true);

  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Load the demo' })).toBeVisible();
  // The first visit's service worker controls this page and has stored every built file (polled, no fixed wait).
  const missing = async () => {
    const cached = await cachedPaths(page);
    return cached[0]?.startsWith('(') ? cached : files.filter((f) => !cached.includes(f));
  };
  await expect.poll(missing, { timeout: 60_000, message: 'built files the service worker has not stored' }).toEqual([]);

  // Straight offline: no reload while online first.
  await context.setOffline(true);
  const failed: string[] = [];
  page.on('requestfailed', (r) => failed.push(r.url()));
  // The open page fetches what it had not loaded yet: the demo, then the training worker's chunk, which starts and reports where it runs.
  await page.getByRole('button', { name: 'Load the demo' }).click();
  await expect(page.getByText('Demo data', { exact: true })).toBeVisible();
  await expect(page.getByTestId('model-backend')).toContainText(/Runs on \S/, { timeout: 60_000 });
  // A reload, still offline, opens the app from the cache, with the sections working.
  await page.reload();
  expect(await readingCount(page)).toBeGreaterThanOrEqual(150);
  await tab(page, 'History');
  await expect(page.getByRole('img', { name: /Minutes per topic per week\. week of/ })).toBeVisible();
  expect(await page.getByRole('row').count()).toBeGreaterThan(30);
  await tab(page, 'Data');
  await expect(page.getByLabel(/Import a file/)).toBeVisible();
  await tab(page, 'Today');
  await expect(page.getByTestId('model-backend')).toContainText(/Runs on \S/, { timeout: 60_000 });
  await expect(page.getByRole('alert')).toHaveCount(0);
  expect(failed, 'requests that reached the cut-off network').toEqual([]);
  await context.setOffline(false);
});

test('edit a reading; a javascript: link typed in the form is refused', async ({ page }) => {
  await page.goto('/');
  await addReading(page, 'Draft title');
  await page.getByRole('button', { name: 'Edit Draft title' }).click();
  await page.getByLabel('Title', { exact: true }).fill('Final title');
  await page.getByRole('textbox', { name: 'Topics', exact: true }).fill('Recommender Systems, evaluation');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Final title', { exact: true })).toBeVisible();
  await expect(page.getByText('Draft title', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: 'Topic' }).locator('option', { hasText: 'recommender systems' })).toHaveCount(1);
  // The URL field is type=url, so the browser's own check is bypassed here to reach ours.
  await page.getByLabel('Title', { exact: true }).fill('Sneaky');
  await page.getByLabel('URL').evaluate((el) => el.setAttribute('type', 'text'));
  await page.getByLabel('URL').fill('javascript:alert(1)');
  await page.getByRole('button', { name: 'Save reading' }).click();
  await expect(page.getByRole('alert')).toContainText('field url: only http and https links are allowed');
  expect(await readingCount(page)).toBe(1);
});
