/**
 * The invariant of issue 12, as a property: every state the app can reach
 * exports a backup that restores to the same state. Random sequences of what
 * the app does through the repository (imports of Zotero CSV, BibTeX and path
 * packs, readings added and edited, stale edit forms saved, deletes, hides,
 * sessions, statuses, session corrections and deletions, settings, restores
 * and undos) run on fake-indexeddb; after each
 * sequence, export -> parseBackup -> restore into a fresh database -> export
 * gives the same backup (exportedAt aside). Bounded by the number of
 * operations, never by time; the seed is printed when it fails (testSeed).
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openStudyDb } from '../../src/data/db';
import { exportBackup, parseBackup } from '../../src/data/backup';
import { Repo } from '../../src/data/repo';
import { readingsFromZoteroCsv } from '../../src/data/csv';
import { readingsFromBibtex } from '../../src/data/bibtex';
import { parsePathPack } from '../../src/data/pathpack';
import { ValidationError } from '../../src/data/validate';
import type { Reading } from '../../src/data/types';
import { Rng } from '../../src/model/random';
import { testSeed } from '../support/harness';
import { freshDbName, roundTrip } from '../support/backup';
import { strictReadings } from '../support/imports';

const SEQUENCES = 25;
const OPERATIONS = 40;

const WORDS = ['Attention', 'graph', 'Nets', '<b>bold</b>', 'a "quoted" word', 'comma, inside', 'naïve', 'Bayes', 'x', '  spaced  ', '\u0001ctl', ';'];
const AUTHORS = ['Doe, Jane', 'Roe, R.', '', '  ', '\u0002', 'Ünal, Ö.', 'O\u0003'];

interface World {
  rng: Rng;
  repo: Repo;
  n: number;
  /** Copies of readings as an edit form holds them: saved later, they are stale. */
  forms: Reading[];
  /** Tombstones that may be undone (some already undone or pruned). */
  trash: number[];
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[rng.int(0, xs.length)];
const words = (rng: Rng, k: number) => Array.from({ length: k }, () => pick(rng, WORDS)).join(' ');
const csvField = (s: string) => `"${s.replace(/"/g, '""')}"`;
const date = (rng: Rng) => new Date(Date.UTC(2026, rng.int(0, 12), rng.int(1, 28), rng.int(0, 24), rng.int(0, 60))).toISOString();

async function zoteroCsv(w: World): Promise<void> {
  const rows = Array.from({ length: w.rng.int(1, 4) }, () =>
    [
      `K${w.n++}`,
      words(w.rng, w.rng.int(1, 4)),
      Array.from({ length: w.rng.int(0, 4) }, () => pick(w.rng, AUTHORS)).join('; '),
      w.rng.next() < 0.5 ? '' : String(w.rng.int(1990, 2030)),
      w.rng.next() < 0.5 ? '' : `https://example.org/${w.n++}`,
      words(w.rng, w.rng.int(0, 3)).replace(/,/g, ';'),
    ]
      .map(csvField)
      .join(','),
  );
  const csv = `"Key","Title","Author","Publication Year","Url","Manual Tags"\n${rows.join('\n')}\n`;
  await w.repo.importReadings(strictReadings(readingsFromZoteroCsv(csv, 'z.csv', () => `csv-${w.n++}`)), 'z.csv');
}

async function bibtex(w: World): Promise<void> {
  const entries = Array.from({ length: w.rng.int(1, 4) }, () => {
    const authors = Array.from({ length: w.rng.int(0, 4) }, () => pick(w.rng, AUTHORS)).join(' and ');
    const title = words(w.rng, w.rng.int(1, 4)).replace(/[{}"]/g, '');
    return `@article{k${w.n++}, title = {${title}}, author = {${authors}}, keywords = {${words(w.rng, 2).replace(/[{}]/g, '')}}, year = ${w.rng.int(1990, 2030)}}`;
  });
  await w.repo.importReadings(strictReadings(readingsFromBibtex(entries.join('\n'), 'refs.bib', () => `bib-${w.n++}`)), 'refs.bib');
}

async function pathPack(w: World, catalog: Reading[]): Promise<void> {
  if (catalog.length < 2) return;
  const maps = Array.from({ length: w.rng.int(1, 6) }, (_, i) => {
    const r = pick(w.rng, catalog);
    return `# map ${i + 1} ${r.url && w.rng.next() < 0.5 ? r.url : r.title}`;
  });
  const lines = Array.from({ length: w.rng.int(2, 12) }, () => `${w.rng.int(1, 4)} ${w.rng.int(1, maps.length + 2)}`);
  const file = `${'pack-'.repeat(w.rng.int(1, 70))}.txt`; // up to 350 characters: the pack is named after it
  const { pack } = parsePathPack([...maps, ...lines].join('\n'), file, catalog, `pack-${w.n++}`);
  await w.repo.savePathPack(pack);
}

async function step(w: World): Promise<void> {
  const { rng, repo } = w;
  const catalog = await repo.readings();
  const some = catalog.length > 0 ? pick(rng, catalog) : null;
  const op = rng.int(0, 16);
  if (op === 0) await zoteroCsv(w);
  else if (op === 1) await bibtex(w);
  else if (op === 2) await pathPack(w, catalog);
  else if (op === 3) {
    const prerequisites = catalog.filter(() => rng.next() < 0.3).map((r) => r.id);
    if (rng.next() < 0.2) prerequisites.push('deleted-long-ago');
    await repo.saveReading({
      id: `m-${w.n++}`,
      title: words(rng, 2),
      url: null,
      authors: [],
      year: null,
      topics: ['t'],
      minutes: rng.int(1, 120),
      difficulty: rng.int(1, 6),
      prerequisites,
      addedAt: date(rng),
      status: 'unread',
      source: 'manual',
      progress: null,
      doi: null,
    });
  } else if (op === 4 && some)
    w.forms.push(some); // an edit form opens
  else if (op === 5 && w.forms.length > 0) {
    // An edit form saved after whatever happened since it opened (its reading may be gone: then it is a new reading).
    const form = w.forms.splice(rng.int(0, w.forms.length), 1)[0];
    await repo.saveReading({ ...form, title: words(rng, 2) });
  } else if (op === 6 && some) await repo.updateReading(some.id, { title: words(rng, 3), minutes: rng.int(1, 200) });
  else if (op === 7 && some) w.trash.push((await repo.deleteReading(some.id)).seq!);
  else if (op === 8 && some) w.trash.push((await repo.hideReading(some.id)).seq!);
  else if (op === 9 && some) {
    const start = date(rng);
    await repo.saveSession(
      {
        id: `s-${w.n++}`,
        readingId: some.id,
        start,
        end: new Date(Date.parse(start) + rng.int(0, 120) * 60_000).toISOString(),
        activeMinutes: rng.int(1, 120),
        focus: rng.int(1, 6),
        interruptions: rng.int(0, 5),
        understanding: rng.next() < 0.5 ? null : rng.int(0, 101),
        quizScore: rng.next() < 0.5 ? null : rng.int(0, 101),
        notes: words(rng, rng.int(0, 3)),
        progressAt: null,
      },
      { outcome: rng.next() < 0.5 ? undefined : pick(rng, ['finished', 'continue', 'abandoned'] as const) },
    );
  } else if (op === 13 && some) {
    const t = await repo.setStatus(some.id, pick(rng, ['unread', 'reading', 'finished', 'abandoned'] as const));
    if (t) w.trash.push(t.seq!);
  } else if (op === 14 || op === 15) {
    const sessions = await repo.sessions();
    if (sessions.length === 0) return;
    const s = pick(rng, sessions);
    if (op === 14) w.trash.push((await repo.editSession({ ...s, activeMinutes: rng.int(1, 120), notes: words(rng, 2) })).seq!);
    else w.trash.push((await repo.deleteSession(s.id)).seq!);
  } else if (op === 10) await repo.saveSettings({ dailyBudgetMinutes: rng.int(0, 24 * 60 + 1) });
  else if (op === 11 && w.trash.length > 0) {
    try {
      await repo.undo(w.trash.splice(rng.int(0, w.trash.length), 1)[0]);
    } catch (e) {
      // Undone already (or pruned), or a session whose reading was deleted since: refused, changing nothing.
      if (!/Nothing to undo|Undo its deletion first/.test(String(e))) throw e;
    }
  } else if (op === 12) {
    // Restore this very state's backup (as the learner would after moving browsers).
    const b = parseBackup(JSON.stringify(await exportBackup(repo.db)), 'self.json');
    w.trash.push((await repo.restore(b, 'self.json')).seq!);
  }
}

describe('the backup invariant', () => {
  const seed = testSeed();

  it(`every state reached by ${SEQUENCES} random sequences of ${OPERATIONS} operations exports a backup that restores to the same state`, async () => {
    const rng = new Rng(seed);
    let ran = 0;
    let packs = 0;
    for (let s = 0; s < SEQUENCES; s++) {
      const w: World = { rng, repo: new Repo(await openStudyDb(freshDbName('invariant'))), n: 0, forms: [], trash: [] };
      for (let o = 0; o < OPERATIONS; o++) {
        try {
          await step(w);
          ran++;
        } catch (e) {
          // A refused import is part of what the app does: refused whole, naming the file.
          if (!(e instanceof ValidationError)) throw e;
          expect(e.message).toMatch(/^(z\.csv|refs\.bib|(pack-)+\.txt)/);
        }
      }
      const { first, second } = await roundTrip(w.repo);
      expect(second, `sequence ${s}: the restored copy's backup`).toEqual(first);
      packs += first.pathPacks.length;
      w.repo.close();
    }
    // The sequences did reach states worth checking: most operations went through, and path packs were kept.
    expect(ran).toBeGreaterThan((SEQUENCES * OPERATIONS) / 2);
    expect(packs).toBeGreaterThan(0);
  });
});
