/**
 * CSV (RFC 4180: quoted fields, doubled quotes, newlines inside quotes, CRLF)
 * and the mapping of Zotero's CSV export onto readings.
 */
import { ValidationError, isoDate } from './validate';
import { emptyFields, refuseOn, referenceReading, type ImportRecord, type ParsedImport, type Progress } from './importRecord';
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

/** Zotero's export column names (those a reading keeps; others are ignored, see the README). */
const COL = {
  title: 'Title',
  authors: 'Author',
  editors: 'Editor',
  year: 'Publication Year',
  date: 'Date',
  url: 'Url',
  doi: 'DOI',
  isbn: 'ISBN',
  tags: 'Manual Tags',
  autoTags: 'Automatic Tags',
  pageCount: 'Num Pages',
  pages: 'Pages',
  added: 'Date Added',
};

export interface ZoteroOptions {
  /** Zotero's automatic tags (from a database or a PDF) become topics too; by default only the learner's own tags do. */
  autoTags?: boolean;
}

const split = (v: string) =>
  v
    .split(';')
    .map((x) => x.trim())
    .filter((x) => x !== '');

/**
 * Readings from a Zotero CSV export. Needs a Title column. Authors are
 * "Last, First; Last, First"; tags "a; b". A bad row is refused, naming its
 * line and column; the other rows still import.
 */
export function readingsFromZoteroCsv(
  input: string,
  file: string,
  makeId: () => string,
  now = new Date(),
  options: ZoteroOptions = {},
  onProgress?: Progress,
): ParsedImport {
  const rows = parseCsv(input, file);
  if (rows.length === 0) throw new ValidationError(`${file}: the file is empty`);
  const header = rows[0].fields.map((h) => h.trim());
  const index = new Map(header.map((h, k) => [h, k] as const).reverse());
  if (!index.has(COL.title))
    throw new ValidationError(`${file}, line 1: no "Title" column (columns found: ${header.slice(0, 8).join(', ')}${header.length > 8 ? ', …' : ''})`);
  const records: ImportRecord[] = [];
  const refused: string[] = [];
  for (const [k, row] of rows.slice(1).entries()) {
    if (onProgress && k % 500 === 499) onProgress(k, rows.length);
    const where = `${file}, line ${row.line}`;
    if (row.fields.length !== header.length) {
      refused.push(`${where}: ${row.fields.length} fields, but the header has ${header.length}`);
      continue;
    }
    const get = (name: string) => row.fields[index.get(name) ?? -1] ?? '';
    const f = emptyFields({
      title: 'Title',
      authors: 'Author',
      year: 'Publication Year',
      url: 'Url',
      doi: 'DOI',
      topics: 'Manual Tags',
      pageCount: 'Num Pages',
    });
    f.title[0] = get(COL.title);
    f.authors = get(COL.authors).trim() ? [split(get(COL.authors)), 'Author'] : [split(get(COL.editors)), 'Editor'];
    if (!get(COL.year).trim()) f.year = [get(COL.date), 'Date'];
    else f.year[0] = get(COL.year);
    f.url[0] = get(COL.url);
    f.doi[0] = get(COL.doi);
    f.topics[0] = [...split(get(COL.tags)), ...(options.autoTags ? split(get(COL.autoTags)) : [])];
    f.pageCount[0] = get(COL.pageCount);
    f.pageRange = get(COL.pages);
    // Zotero keeps every ISBN of a book in one field, separated by spaces.
    f.isbn = get(COL.isbn).trim().split(/\s+/)[0] ?? '';
    const built = refuseOn(refused, () => {
      // A Date Added that is not a date means "now"; one that is a date must be in the accepted range.
      const addedAt = parseDate(get(COL.added)) !== null ? isoDate(get(COL.added), where, 'Date Added') : now.toISOString();
      return referenceReading(f, where, makeId(), addedAt);
    });
    if (built) records.push({ line: row.line, ...built });
  }
  onProgress?.(rows.length, rows.length);
  return { file, records, refused, work: input.length + rows.length };
}
