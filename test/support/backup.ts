/**
 * The backup round trip the app promises: export, parse, restore into a fresh
 * database, export again. Shared by the data tests.
 */
import 'fake-indexeddb/auto';
import { openStudyDb } from '../../src/data/db';
import { exportBackup, parseBackup, type Backup } from '../../src/data/backup';
import { replaceAll } from '../../src/data/trash';
import type { Repo } from '../../src/data/repo';

let n = 0;
/** A database name no other test uses. */
export const freshDbName = (prefix = 'db') => `${prefix}-${Date.now()}-${n++}`;

/** The backup of repo's data, and the backup of a fresh database restored from it (exportedAt blanked in both). */
export async function roundTrip(repo: Repo): Promise<{ first: Backup; second: Backup }> {
  const first = await exportBackup(repo.db);
  const parsed = parseBackup(JSON.stringify(first), 'round-trip.json');
  const fresh = await openStudyDb(freshDbName('restored'));
  try {
    await replaceAll(fresh, parsed, 'Restored round-trip.json', '2026-11-20T00:00:00.000Z');
    const second = await exportBackup(fresh);
    return { first: { ...first, exportedAt: '' }, second: { ...second, exportedAt: '' } };
  } finally {
    fresh.close();
  }
}
