/**
 * The one undo (issue 12): a delete, with everything it took along, comes
 * back with Undo; a restore first shows what it replaces and asks, and Undo
 * brings back the data it replaced. Undo is a button in the page's notice,
 * reached and pressed from the keyboard. A database from a newer app is named
 * as such, with its export.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { tab } from './app-helpers';

type Row = Record<string, unknown> & { id: string };
type Stores = { readings: Row[]; sessions: Row[]; pathPacks: Row[] };

/** The learner's data as IndexedDB holds it. */
function stores(page: Page): Promise<Stores> {
  return page.evaluate(
    () =>
      new Promise<Stores>((resolve, reject) => {
        const open = indexedDB.open('studypath');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['readings', 'sessions', 'pathPacks'], 'readonly');
          const out: Partial<Stores> = {};
          for (const name of ['readings', 'sessions', 'pathPacks'] as const) {
            const req = tx.objectStore(name).getAll();
            req.onsuccess = () => (out[name] = req.result as Row[]);
          }
          tx.oncomplete = () => {
            db.close();
            resolve(out as Stores);
          };
        };
      }),
  );
}

async function demo(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Load the demo' }).click();
  await expect(page.getByText('Demo data', { exact: true })).toBeVisible();
}

/** Presses the notice's Undo from the keyboard: it takes focus and Enter runs it. */
async function undoByKeyboard(page: Page) {
  const undo = page.getByRole('status').getByRole('button', { name: 'Undo' });
  await undo.focus();
  await expect(undo).toBeFocused();
  await page.keyboard.press('Enter');
}

test('deleting a reading takes its sessions and links along, and Undo brings them all back', async ({ page }) => {
  await demo(page);
  const before = await stores(page);
  // A demo reading that others build on, that path packs name, and that has sessions.
  const target = before.readings.find(
    (r) =>
      before.sessions.some((s) => s.readingId === r.id) &&
      before.readings.some((o) => (o.prerequisites as string[]).includes(r.id)) &&
      before.pathPacks.some((p) => (p.sequences as string[][]).some((s) => s.includes(r.id))),
  )!;
  expect(target, 'a demo reading with sessions, dependents and path-pack places').toBeDefined();
  await tab(page, 'Catalog');
  await page.getByRole('button', { name: `Delete ${target.title as string}`, exact: true }).click();
  await expect(page.getByRole('status')).toContainText(`Deleted “${target.title as string}” and its`);
  const after = await stores(page);
  expect(after.readings.some((r) => r.id === target.id)).toBe(false);
  expect(after.readings.some((r) => (r.prerequisites as string[]).includes(target.id))).toBe(false);
  expect(after.sessions.some((s) => s.readingId === target.id)).toBe(false);
  await undoByKeyboard(page);
  await expect(page.getByRole('status')).toContainText(`Undone: Deleted “${target.title as string}”`);
  expect(await stores(page)).toEqual(before);
  await expect(page.getByRole('button', { name: `Delete ${target.title as string}`, exact: true })).toBeVisible();
});

test('a restore shows what it replaces, asks, and Undo brings the old data back', async ({ page }) => {
  await demo(page);
  const before = await stores(page);
  await tab(page, 'Data');
  const file = readFileSync('test/data/fixtures/backup-v2.json');
  await page.getByLabel(/Import a file/).setInputFiles({ name: 'small.json', mimeType: 'application/json', buffer: file });
  const dialog = page.getByRole('alertdialog', { name: 'Restore small.json?' });
  await expect(dialog).toContainText(`Readings: ${before.readings.length} → 2`);
  await expect(dialog).toContainText(`Sessions: ${before.sessions.length} → 1`);
  await expect(dialog).toContainText(`Path packs: ${before.pathPacks.length} → 1`);
  // Cancel changes nothing.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status')).toContainText('Restore cancelled: nothing was changed.');
  expect(await stores(page)).toEqual(before);
  await page.getByLabel(/Import a file/).setInputFiles({ name: 'small.json', mimeType: 'application/json', buffer: file });
  await expect(dialog.getByRole('button', { name: 'Replace my data' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status')).toContainText('Restored the backup small.json');
  expect((await stores(page)).readings.map((r) => r.id)).toEqual(['r1', 'r2']);
  await undoByKeyboard(page);
  await expect(page.getByRole('status')).toContainText('Undone: Restored small.json');
  expect(await stores(page)).toEqual(before);
});

test('a database from a newer version of the app is named as such, and can still be exported', async ({ page }) => {
  await demo(page);
  // A newer app (another tab) upgrades the database past this app's version.
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const probe = indexedDB.open('studypath');
        probe.onsuccess = () => {
          const next = probe.result.version + 1;
          probe.result.close();
          const up = indexedDB.open('studypath', next);
          up.onupgradeneeded = () => up.result.createObjectStore('from-the-future');
          up.onsuccess = () => {
            up.result.close();
            resolve();
          };
          up.onerror = () => reject(up.error);
        };
      }),
  );
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Made by a newer version of StudyPath' })).toBeVisible();
  await expect(page.getByText('Your catalog is empty')).toHaveCount(0);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export a backup' }).click()]);
  const exported = JSON.parse(await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString('utf8')));
  expect(exported.readings.length).toBeGreaterThan(100);
});
