/**
 * What many specs do to the app: open a section, restore a small backup written in the test (each
 * reading a full row of the current backup version), and read the path's reading ids.
 */
import { expect, type Page } from '@playwright/test';

/** Opens a section from the navigation landmark. */
export async function tab(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name, exact: true }).click();
}

/** A reading as a backup of the current version holds it; `extra` overrides any field. */
export function backupReading(
  id: string,
  title: string,
  minutes: number,
  difficulty: number,
  prerequisites: string[] = [],
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    title,
    url: null,
    authors: [],
    year: null,
    topics: ['statistics'],
    minutes,
    difficulty,
    prerequisites,
    addedAt: '2026-11-01T00:00:00.000Z',
    status: 'unread',
    source: 'manual',
    progress: null,
    doi: null,
    ...extra,
  };
}

/** A version-3 backup of `readings` and nothing else, with these settings. */
export const backupOf = (readings: unknown[], settings: Record<string, number> = { dailyBudgetMinutes: 60 }) => ({
  format: 'studypath-backup',
  version: 3,
  exportedAt: '2026-11-20T00:00:00.000Z',
  readings,
  sessions: [],
  settings,
  pathPacks: [],
  reviews: [],
});

/** Restores `backup` through the Data section as the file `name`, confirming the replacement. */
export async function restore(page: Page, name: string, backup: unknown) {
  await tab(page, 'Data');
  await page.getByLabel(/Import a file/).setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(backup)) });
  await page
    .getByRole('alertdialog', { name: `Restore ${name}?` })
    .getByRole('button', { name: 'Replace my data' })
    .click();
  await expect(page.getByRole('status')).toContainText(`Restored the backup ${name}`);
}

/** The app's message (a notice with its Dismiss button), as opposed to other status regions. */
export const notice = (page: Page) => page.getByRole('status').filter({ has: page.getByRole('button', { name: 'Dismiss message' }) });

/** The reading ids of the path's new readings, in order. */
export const newStepIds = (page: Page) => page.getByTestId('path-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-reading-id') ?? ''));
