/**
 * CSV (RFC 4180: quoted fields, doubled quotes, newlines inside quotes, CRLF)
 * and the mapping of Zotero's CSV export onto readings.
 */
import type { Reading } from './types';
import { ValidationError, httpUrl, int, isoDate, text, textList, validateReading } from './validate';
import { parseDate } from './dates';

export interface CsvRow {
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
}

export function parseCsv(input: string, file = 'CSV'): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let rowLine = 1;
  let quotedAt = 0;
  const s = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input; // byte-order mark
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inQuotes) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (field !== '') throw new ValidationError(`${file}, line ${line}: a quote inside an unquoted field (field ${fields.length + 1})`);
      inQuotes = true;
      quotedAt = line;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      fields.push(field);
      if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: rowLine, fields });
      fields = [];
      field = '';
      line++;
      rowLine = line;
    } else field += c;
  }
  if (inQuotes) throw new ValidationError(`${file}, line ${quotedAt}: a quoted field is never closed`);
  if (field !== '' || fields.length) {
    fields.push(field);
    rows.push({ line: rowLine, fields });
  }
  return rows;
}

/** Zotero's export column names (a subset; others are ignored). */
const COL = {
  title: 'Title',
  authors: 'Author',
  year: 'Publication Year',
  url: 'Url',
  tags: 'Manual Tags',
  autoTags: 'Automatic Tags',
  pages: 'Num Pages',
  added: 'Date Added',
  key: 'Key',
};

/**
 * Readings from a Zotero CSV export. Needs a Title column. Authors are
 * "Last, First; Last, First"; tags "a; b". A bad row names its line and column.
 */
export function readingsFromZoteroCsv(input: string, file: string, makeId: () => string, now = new Date()): Reading[] {
  const rows = parseCsv(input, file);
  if (rows.length === 0) throw new ValidationError(`${file}: the file is empty`);
  const header = rows[0].fields.map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  if (col(COL.title) < 0)
    throw new ValidationError(`${file}, line 1: no "Title" column (columns found: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''})`);
  const out: Reading[] = [];
  for (const row of rows.slice(1)) {
    const where = `${file}, line ${row.line}`;
    if (row.fields.length !== header.length) throw new ValidationError(`${where}: ${row.fields.length} fields, but the header has ${header.length}`);
    const get = (name: string) => (col(name) >= 0 ? row.fields[col(name)] : '');
    const split = (v: string) =>
      v
        .split(';')
        .map((x) => x.trim())
        .filter((x) => x !== '');
    const pages = get(COL.pages).trim();
    const yearText = get(COL.year).trim();
    // Through the one validation a backup's reading passes, so what this import writes, a restore accepts.
    const reading: Reading = {
      id: makeId(),
      title: text(get(COL.title), where, 'Title', { required: true, max: 1000 }),
      url: httpUrl(get(COL.url), where, 'Url'),
      authors: textList(split(get(COL.authors)), where, 'Author', 300),
      year: yearText === '' ? null : int(yearText, where, 'Publication Year', 1000, 2100),
      topics: textList([...split(get(COL.tags)), ...split(get(COL.autoTags))], where, 'Manual Tags', 100).map((t) => t.toLowerCase()),
      // About two minutes a page when Zotero knows the length; otherwise half an hour.
      minutes: pages === '' ? 30 : Math.min(100_000, Math.max(5, 2 * int(pages, where, 'Num Pages', 1, 50_000))),
      difficulty: 3,
      prerequisites: [],
      // A Date Added that is not a date means "now"; one that is a date must be in the accepted range.
      addedAt: parseDate(get(COL.added)) !== null ? isoDate(get(COL.added), where, 'Date Added') : now.toISOString(),
      status: 'unread',
      source: 'import',
      progress: null,
      doi: null,
    };
    out.push(validateReading(reading, where));
  }
  return out;
}
