/**
 * Dates at the boundary and after it: a date outside the years the app accepts
 * is refused by the one validation (forms, imports, backup restore) with the
 * field named; dates are compared as dates, never as text; formatting and week
 * buckets cannot throw; a database row that fails today's validation is kept
 * out of what the sections render and reported instead of crashing them.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDB } from 'idb';
import { openStudyDb, parseBackup } from '../../src/data/db';
import { Repo } from '../../src/data/repo';
import { readingsFromZoteroCsv } from '../../src/data/csv';
import { localDateTime, validateReading, validateSession } from '../../src/data/validate';
import { compareDates, formatDateTime, weekStart } from '../../src/data/dates';
import { buildVocabulary, learnerSequence } from '../../src/train/fromHistory';
import { aReading, aSessionAt } from '../support/records';
import { strictReadings } from '../support/imports';

const reading = aReading;
const session = aSessionAt;

// The edges of what JavaScript's Date can hold, a far-future year, and a year before the range.
const OUT_OF_RANGE = [
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '+099999-01-01T10:00:00.000Z',
  '1899-12-31T23:59:59.999Z',
  '2201-01-01T00:00:00.000Z',
];

describe('dates at the boundary', () => {
  it.each(OUT_OF_RANGE)('a session starting at %s is refused, naming the field and the range', (start) => {
    expect(() => validateSession(session('s', start), 'session')).toThrow(
      /^session, field start: .* is outside the dates this app accepts \(years 1900 to 2200\)$/,
    );
  });

  it('the first and last instants of the range are accepted', () => {
    expect(validateSession(session('s', '1900-01-01T00:00:00.000Z', '2200-12-31T23:59:59.999Z'), 'session').end).toBe('2200-12-31T23:59:59.999Z');
    expect(validateReading(reading('r', { addedAt: '1900-01-01T00:00:00.000Z' }), 'reading').addedAt).toBe('1900-01-01T00:00:00.000Z');
  });

  it('a reading added in year 99999 is refused', () => {
    expect(() => validateReading(reading('r', { addedAt: '+099999-01-01T00:00:00.000Z' }), 'reading')).toThrow(
      'reading, field addedAt: "+099999-01-01T00:00:00.000Z" is outside the dates this app accepts',
    );
  });

  it('a backup holding a session in year 99999 is refused, naming file, row and field', () => {
    const backup = { format: 'studypath-backup', version: 1, readings: [reading('r')], sessions: [session('s', '+099999-01-01T10:00:00.000Z')] };
    expect(() => parseBackup(JSON.stringify(backup), 'b.json')).toThrow(
      'b.json, sessions[0], field start: "+099999-01-01T10:00:00.000Z" is outside the dates this app accepts',
    );
  });

  it('a Zotero CSV whose Date Added is out of range is refused at its line', () => {
    const csv = '"Title","Date Added"\n"Fine","2024-03-01 10:00:00"\n"Far","+099999-01-01T00:00:00Z"\n';
    expect(() => strictReadings(readingsFromZoteroCsv(csv, 'z.csv', () => 'id'))).toThrow(
      /^z\.csv, line 3, field Date Added: .* is outside the dates this app accepts/,
    );
  });
});

describe('dates compared and shown as dates', () => {
  it('year 99999 sorts after 2026, and a year before 0 before it (text order gets both wrong)', () => {
    const dates = ['+099999-01-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '2026-10-01T00:00:00.000Z'];
    expect([...dates].sort(compareDates)).toEqual([
      '-000001-01-01T00:00:00.000Z',
      '2026-10-01T00:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
      '+099999-01-01T00:00:00.000Z',
    ]);
    // Unparsable text goes last, in a stable order, instead of poisoning the comparison.
    expect(['x', '2026-11-01T00:00:00.000Z', 'a'].sort(compareDates)).toEqual(['2026-11-01T00:00:00.000Z', 'a', 'x']);
  });

  it("the trainer orders the learner's sessions by date, not by text", () => {
    const vocab = buildVocabulary([reading('a'), reading('b')]);
    const seq = learnerSequence(
      [
        session('late', '+099999-01-01T00:00:00.000Z', undefined, { readingId: 'b' }),
        session('early', '2026-11-01T00:00:00.000Z', undefined, { readingId: 'a' }),
      ],
      vocab,
    );
    expect(seq.items).toEqual([vocab.idOf.get('a'), vocab.idOf.get('b')]);
  });

  it('formatting and week buckets never throw, even at the edges of what Date holds', () => {
    for (const d of [...OUT_OF_RANGE, 'not a date', '']) {
      expect(() => formatDateTime(d)).not.toThrow();
      expect(() => weekStart(d)).not.toThrow();
    }
    expect(formatDateTime('not a date')).toBe('not a date');
    expect(weekStart('-271821-04-20T00:00:00.000Z')).toBeNull(); // its Monday is before the first instant Date holds
    expect(weekStart('2026-11-05T12:00:00.000Z')).toBe('2026-11-02'); // a Thursday's Monday (this machine runs in UTC)
  });
});

describe('rows already in the database', () => {
  it('a row that fails validation is reported with its field, and the others still load', async () => {
    const dbName = `dates-${Date.now()}`;
    const setup = new Repo(await openStudyDb(dbName));
    await setup.saveReading(reading('r'));
    await setup.saveSession(session('ok', '2026-11-02T09:00:00.000Z', '2026-11-02T09:30:00.000Z', { activeMinutes: 30 }));
    setup.close();
    // Written around today's validation: an old database, or an older version of the app.
    const raw = await openDB(dbName);
    await raw.put('readings', {
      id: 'old',
      title: 'Old row',
      authors: 'Vaswani, Ashish',
      topics: [],
      minutes: 10,
      prerequisites: [],
      addedAt: '2020-01-01T00:00:00.000Z',
      status: 'unread',
    });
    await raw.put('sessions', session('edge', '-271821-04-20T00:00:00.000Z'));
    raw.close();
    const repo = new Repo(await openStudyDb(dbName));
    const readings = await repo.readingsChecked();
    expect(readings.rows.map((r) => r.id)).toEqual(['r']);
    expect(readings.unreadable).toEqual([{ store: 'readings', id: 'old', message: 'database, readings "old", field authors: must be a list' }]);
    const sessions = await repo.sessionsChecked();
    expect(sessions.rows.map((s) => s.id)).toEqual(['ok']);
    expect(sessions.unreadable[0].message).toMatch(/^database, sessions "edge", field start: .* is outside the dates this app accepts/);
    // The trainer reads through the same check.
    expect((await repo.sessions()).map((s) => s.id)).toEqual(['ok']);
    repo.close();
  });
});

describe("a form's local date and time", () => {
  it('is read in local time, with years past 9999 that Date.parse does not read, and refused outside the range', () => {
    expect(localDateTime('2026-11-10T19:30', 'form', 'start')).toBe(new Date(2026, 10, 10, 19, 30).toISOString());
    expect(() => localDateTime('99999-01-01T10:00', 'form', 'start')).toThrow(
      'form, field start: "99999-01-01T10:00" is outside the dates this app accepts (years 1900 to 2200)',
    );
    expect(() => localDateTime('0099-01-01T10:00', 'form', 'start')).toThrow('is outside the dates');
    expect(() => localDateTime('2026-02-30T10:00', 'form', 'start')).toThrow('form, field start: "2026-02-30T10:00" is not a date');
    expect(() => localDateTime('', 'form', 'start')).toThrow('form, field start: is required');
  });
});
