/**
 * Versioned backups (issue 12, problem 6): a fixture per version in
 * test/data/fixtures/, each read by today's app through the migrations to
 * the current version; a backup or a database from a newer app is named as
 * such, and a newer database can still be exported.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { DB_VERSION, NewerDatabaseError, openForExport, openStudyDb } from '../../src/data/db';
import { BACKUP_VERSION, NewerVersionError, exportBackup, migrations, parseBackup } from '../../src/data/backup';
import { freshDbName } from '../support/backup';

const fixture = (v: number) => readFileSync(`test/data/fixtures/backup-v${v}.json`, 'utf8');
const versions = Array.from({ length: BACKUP_VERSION }, (_, i) => i + 1);
const dataOf = ({ readings, sessions, settings, pathPacks }: ReturnType<typeof parseBackup>) => ({ readings, sessions, settings, pathPacks });

describe('backup versions', () => {
  it('every version after the first has a migration, and every version a fixture', () => {
    for (let v = 2; v <= BACKUP_VERSION; v++) expect(migrations[v], `migration to version ${v}`).toBeTypeOf('function');
    for (const v of versions) expect(() => fixture(v), `test/data/fixtures/backup-v${v}.json`).not.toThrow();
  });

  it.each(versions)('a version-%i file reads as the current version, with the same data as the current fixture', (v) => {
    const b = parseBackup(fixture(v), `backup-v${v}.json`);
    expect(b.version).toBe(BACKUP_VERSION);
    expect(dataOf(b)).toEqual(dataOf(parseBackup(fixture(BACKUP_VERSION), 'current.json')));
  });

  it('version 1 to 2 repairs what older apps wrote: empty authors, links to deleted readings, over-long pack names', () => {
    const v1 = JSON.parse(fixture(1));
    // The file as an older app wrote it fails today's checks without the migration.
    expect(() => parseBackup(JSON.stringify({ ...v1, version: 2 }), 'as-v2.json')).toThrow(/as-v2\.json, readings\[0\], field authors\[1\]: is required/);
    const b = parseBackup(fixture(1), 'backup-v1.json');
    expect(b.readings[0].authors).toEqual(['Vaswani, Ashish']);
    expect(b.pathPacks[0].name).toHaveLength(200);
    expect(b.pathPacks[0].sequences).toEqual([
      ['r1', 'r2'],
      ['r1', 'r2'],
    ]);
  });

  it('a version-1 file with its lists missing reads as empty lists and default settings', () => {
    const b = parseBackup(JSON.stringify({ format: 'studypath-backup', version: 1, readings: [] }), 'old.json');
    expect(dataOf(b)).toEqual({ readings: [], sessions: [], settings: { dailyBudgetMinutes: 60 }, pathPacks: [] });
  });

  it('a version-2 file must hold every list', () => {
    expect(() => parseBackup(JSON.stringify({ format: 'studypath-backup', version: 2, readings: [], sessions: [], settings: {} }), 'b.json')).toThrow(
      /b\.json, field pathPacks: must be a list/,
    );
  });

  it('a backup from a newer app is named as such', () => {
    const newer = JSON.stringify({ ...JSON.parse(fixture(BACKUP_VERSION)), version: BACKUP_VERSION + 1 });
    expect(() => parseBackup(newer, 'next.json')).toThrow(NewerVersionError);
    expect(() => parseBackup(newer, 'next.json')).toThrow(
      `next.json was made by a newer version of StudyPath (backup version ${BACKUP_VERSION + 1}; this app reads versions 1 to ${BACKUP_VERSION}): update the app`,
    );
  });
});

describe('a database from a newer app', () => {
  it('is named as such, not opened for writing, and can still be exported', async () => {
    const name = freshDbName('newer');
    const db = await openStudyDb(name);
    await db.put('readings', JSON.parse(fixture(BACKUP_VERSION)).readings[0]);
    db.close();
    // A newer app (another tab) upgrades it further, adding a store of its own.
    const next = await openDB(name, DB_VERSION + 1, { upgrade: (d) => void d.createObjectStore('future') });
    next.close();
    const refused = openStudyDb(name);
    await expect(refused).rejects.toThrow(NewerDatabaseError);
    await expect(openStudyDb(name)).rejects.toThrow(
      `Your data was made by a newer version of StudyPath (database version ${DB_VERSION + 1}; this app knows versions up to ${DB_VERSION}). Update the app`,
    );
    const asItIs = await openForExport(name);
    expect(asItIs.version).toBe(DB_VERSION + 1);
    const exported = await exportBackup(asItIs);
    expect(exported.readings.map((r) => r.id)).toEqual(['r1']);
    asItIs.close();
  });
});
