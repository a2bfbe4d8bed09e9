/**
 * The catalog in daily use (issue 16): a reading is edited in place (the form opens at it, focus on its first
 * field, and goes back to its Edit button), and a hidden or deleted reading is listed under "Hidden and deleted
 * readings" and brought back: a hidden one by the undoable status change, a deleted one by undoing its delete.
 * axe checks each of these states.
 */
import { expect, test, type Page } from '@playwright/test';
import { axeViolations } from './axe-helpers';
import { notice } from './app-helpers';

const section = (page: Page, name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true }).click();

async function addReading(page: Page, title: string) {
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByRole('button', { name: 'Save reading' }).click();
  await expect(notice(page)).toContainText(`Added “${title}”.`);
}

test('edit a reading in place; hide one and delete another, then bring both back', async ({ page }) => {
  await page.goto('/');
  await section(page, 'Catalog');
  for (const title of ['Alpha', 'Beta', 'Gamma']) await addReading(page, title);
  const catalog = page.getByRole('list').filter({ has: page.getByRole('button', { name: 'Edit Alpha' }) });
  const item = (title: string) => catalog.getByRole('listitem').filter({ has: page.getByRole('button', { name: `Edit ${title}`, exact: true }) });
  const setAside = page.getByRole('region', { name: 'Hidden and deleted readings' });
  await expect(setAside).toContainText('None');

  // The edit form opens inside the reading's own item, focus on its title; the add form waits meanwhile.
  await page.getByRole('button', { name: 'Edit Beta' }).click();
  const form = item('Beta').getByRole('form', { name: 'Edit “Beta”' });
  await expect(form).toBeVisible();
  await expect(form.getByLabel('Title', { exact: true })).toBeFocused();
  await expect(page.getByRole('form', { name: 'Add a reading' })).toHaveCount(0);
  expect(await axeViolations(page)).toEqual([]);
  await page.keyboard.type(' (2nd ed.)');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(notice(page)).toContainText('Saved your changes to “Beta (2nd ed.)”.');
  await expect(page.getByRole('button', { name: 'Edit Beta (2nd ed.)' })).toBeFocused();
  await expect(page.getByRole('form', { name: 'Add a reading' })).toBeVisible();

  // Gamma goes to the trash: listed as deleted, and brought back by undoing that delete.
  await page.getByRole('button', { name: 'Delete Gamma' }).click();
  await expect(notice(page)).toContainText('Deleted “Gamma”');
  await page.getByRole('button', { name: 'Dismiss message' }).click();
  await expect(item('Gamma')).toHaveCount(0);
  await expect(setAside.getByRole('listitem')).toHaveText(['Gamma deleted Bring back']);

  // Alpha is hidden from the learning path (Today): listed as hidden, its old status kept for "Show again".
  await page.getByRole('combobox', { name: 'Status of Alpha' }).selectOption('reading');
  await section(page, 'Today');
  await page.getByRole('button', { name: 'Hide Alpha for good' }).click();
  await expect(notice(page)).toContainText('Hid “Alpha”');
  await section(page, 'Catalog');
  await expect(item('Alpha')).toHaveCount(0);
  await expect(setAside.getByRole('listitem')).toHaveText(['Alpha hidden Show again', 'Gamma deleted Bring back']);
  // The search reaches the set-aside readings too.
  await page.getByRole('searchbox', { name: 'Search readings' }).fill('gam');
  await expect(setAside.getByRole('listitem')).toHaveText(['Gamma deleted Bring back']);
  await page.getByRole('searchbox', { name: 'Search readings' }).fill('');
  expect(await axeViolations(page)).toEqual([]);

  await setAside.getByRole('button', { name: 'Show again: Alpha' }).click();
  await expect(notice(page)).toContainText('Marked “Alpha” as');
  await expect(page.getByRole('combobox', { name: 'Status of Alpha' })).toHaveValue('reading');
  await setAside.getByRole('button', { name: 'Bring back: Gamma' }).click();
  await expect(notice(page)).toContainText('Undone: Deleted “Gamma”.');
  await expect(item('Gamma')).toHaveCount(1);
  await expect(setAside).toContainText('None');

  // A reload keeps it all: the trash no longer holds Gamma's delete, so it is not offered again.
  await page.reload();
  await section(page, 'Catalog');
  await expect(catalog.getByRole('listitem')).toHaveCount(3);
  await expect(page.getByRole('region', { name: 'Hidden and deleted readings' })).toContainText('None');
});
