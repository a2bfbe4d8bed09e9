/**
 * BibTeX and BibLaTeX files as readings, parsed by @retorquere/bibtex-parser
 * (the parser behind Better BibTeX for Zotero): LaTeX becomes Unicode
 * (S{\"o}nke → Sönke, \ss → ß, $\alpha$ → α), @string macros are expanded,
 * # concatenates, a braced name ({Barnes and Noble}) stays one author, and
 * text outside entries is a comment.
 *
 * The file is first cut into entries (splitBibtex: one linear scan), and the
 * parser runs once per entry with the @string macros defined above it. So
 * the work is linear in the file's size, each entry's line is known, a
 * broken entry is refused on its own (file, line, reason) while the others
 * import, and a long file reports its progress.
 */
import { FieldMode, parse, type Creator, type Options } from '@retorquere/bibtex-parser';
import { emptyFields, refuseOn, referenceReading, type ImportRecord, type ParsedImport, type Progress } from './importRecord';

/** One @-block of the file: its type (lower case), where it starts (1-based line) and its text. */
interface BibChunk {
  type: string;
  line: number;
  text: string;
}

const OPENER = /^@[ \t]*([A-Za-z][\w-]*)[ \t\r\n]*([{(])/;

/**
 * The file's @-blocks, in order. A block runs from its @type{ (or @type( )
 * to the brace that closes it; a line that starts with @type{ starts the
 * next block even when the one before is left open, so an unclosed entry
 * costs only itself. An @ inside a word (an e-mail address) starts nothing.
 */
export function splitBibtex(input: string): BibChunk[] {
  const chunks: BibChunk[] = [];
  const n = input.length;
  let line = 1;
  let i = 0;
  while (i < n) {
    const c = input.charCodeAt(i);
    if (c === 10) line++;
    if (c !== 64 /* @ */ || (i > 0 && /\w/.test(input[i - 1]))) {
      i++;
      continue;
    }
    const m = OPENER.exec(input.slice(i, i + 80));
    if (!m) {
      i++;
      continue;
    }
    const start = i;
    const startLine = line;
    const close = m[2] === '{' ? '}' : ')';
    line += m[0].split('\n').length - 1;
    // Braces nest; a ( ... ) entry ends at the ) outside every brace.
    let depth = close === '}' ? 1 : 0;
    let j = i + m[0].length;
    let atLineStart = false;
    for (; j < n; j++) {
      const d = input[j];
      if (d === '\n') {
        line++;
        atLineStart = true;
        continue;
      }
      if (atLineStart && d === '@' && OPENER.test(input.slice(j, j + 80))) break; // the next entry: this one was never closed
      if (d !== ' ' && d !== '\t' && d !== '\r') atLineStart = false;
      if (d === '{') depth++;
      else if (d === '}') depth--;
      if ((close === '}' && depth === 0) || (close === ')' && d === ')' && depth === 0)) {
        j++;
        break;
      }
    }
    chunks.push({ type: m[1].toLowerCase(), line: startLine, text: input.slice(start, j) });
    i = j;
  }
  return chunks;
}

/** The fields a reading keeps; every other field (abstract, note, file…) is read verbatim, as LaTeX it need not understand. */
const KEPT = /^(?!(title|author|editor|year|date|doi|url|keywords|pagetotal|pages|isbn)$)/;

/** LaTeX into Unicode, without the title sentence-casing meant for Zotero: titles are kept as written. */
const PARSE_OPTIONS: Options = {
  english: false,
  sentenceCase: false,
  caseProtection: false,
  unsupported: 'ignore',
  verbatimFields: [...FieldMode.verbatim, KEPT],
};

/** A verbatim field (url, doi) as LaTeX escapes it: a\_b, 50\%. */
const unescape = (s: string) => s.replace(/\\([_%&#$~])/g, '$1');

/**
 * The parser leaves keywords verbatim (M{\"u}ller); they go through it once
 * more, together, as a title would, to become Unicode. It has already split
 * them at commas and semicolons, so a semicolon joins and splits them again.
 */
function keywordsOf(raw: string[] | undefined, strings: Record<string, string>): string[] {
  if (!raw?.length) return [];
  const joined = raw.join(' ; ');
  const title = /[\\{}$]/.test(joined) ? parse(`@misc{k, title = {${joined}}}`, { ...PARSE_OPTIONS, strings }).entries[0]?.fields.title : joined;
  return (typeof title === 'string' ? title : joined).split(/\s*;\s*/).map(plain);
}

// The parser turns \emph and the like into HTML tags, and a literal < or > into the OT1 glyphs ¡ ¿.
// Literal angle brackets are set aside as private-use characters while it runs, then put back, and
// its tags are removed: a reading's text is plain text, never markup.
const LT = '\ue000';
const GT = '\ue001';
const mask = (s: string) => s.replace(/</g, LT).replace(/>/g, GT);
const plain = (s: string) =>
  s
    .replace(/<\/?[a-z][^<>]*>/gi, '')
    .replace(/\ue000/g, '<')
    .replace(/\ue001/g, '>')
    .replace(/\s+/g, ' ')
    .trim()
    .normalize('NFC'); // the parser writes {\"o} as o and a combining mark; other sources write ö

/** "von Last, Jr, First" as BibTeX writes a person, or an organisation's name as it stands. */
function person(c: Creator): string {
  if (c.name) return plain(c.name);
  const last = [c.prefix, c.lastName].filter(Boolean).join(' ');
  return plain([last, c.suffix, c.firstName].filter(Boolean).join(', '));
}

/** The parser's error, with its position inside the entry ("at line 2, column 5") given as the file's line. */
function located(error: string, chunkLine: number): string {
  const first = error.split('\n')[0];
  const at = /\s*at line (\d+), column \d+/.exec(first);
  return at ? `${first.replace(at[0], '')}, at line ${chunkLine + Number(at[1]) - 1}` : first;
}

/** BibTeX itself only warns about an undefined macro (month = jun without an @string), and so does this import: the field keeps the name. */
const isWarning = (e: { error: string }) => e.error.startsWith('Unresolved @string reference');

/**
 * Readings from a .bib file. Entries the file cannot give a reading (a
 * syntax error, no title, a year, URL or DOI that is not one) are refused,
 * each with its line and reason; the rest are returned.
 */
export function readingsFromBibtex(input: string, file: string, makeId: () => string, now = new Date(), onProgress?: Progress): ParsedImport {
  const records: ImportRecord[] = [];
  const refused: string[] = [];
  const strings: Record<string, string> = {};
  const chunks = splitBibtex(input);
  let work = input.length;
  let read = 0;
  for (const [k, chunk] of chunks.entries()) {
    work += chunk.text.length;
    read += chunk.text.length;
    if (onProgress && k % 200 === 199) onProgress(read, input.length);
    if (chunk.type === 'comment' || chunk.type === 'preamble') continue;
    if (chunk.type === 'string') {
      // Kept as written (raw), so each entry's LaTeX is converted once, with the macro inside it.
      const lib = parse(chunk.text, { ...PARSE_OPTIONS, raw: true, strings });
      const error = lib.errors.find((e) => !isWarning(e));
      if (error) refused.push(`${file}, line ${chunk.line} (@string): ${located(error.error, chunk.line)}`);
      Object.assign(strings, lib.strings);
      continue;
    }
    const lib = parse(mask(chunk.text), { ...PARSE_OPTIONS, strings });
    const entry = lib.entries[0];
    const error = lib.errors.find((e) => !isWarning(e));
    if (!entry || lib.entries.length !== 1 || error) {
      const what = entry?.key ? `entry ${entry.key}` : `@${chunk.type}`;
      refused.push(`${file}, line ${chunk.line} (${what}): ${error ? located(error.error, chunk.line) : 'not one BibTeX entry'}`);
      continue;
    }
    const where = `${file}, line ${chunk.line} (entry ${entry.key})`;
    const fields = entry.fields;
    const str = (name: string) => {
      const v = fields[name];
      return typeof v === 'string' ? plain(v) : '';
    };
    const f = emptyFields({ title: 'title', authors: 'author', year: 'year', url: 'url', doi: 'doi', topics: 'keywords', pageCount: 'pagetotal' });
    f.title[0] = str('title');
    const creators = fields.author?.length ? fields.author : (fields.editor ?? []);
    f.authors = [creators.map(person), fields.author?.length ? 'author' : 'editor'];
    f.year = str('year') ? [str('year'), 'year'] : [str('date'), 'date'];
    f.url[0] = unescape(str('url'));
    f.doi[0] = unescape(str('doi'));
    f.topics[0] = keywordsOf(fields.keywords, strings);
    f.pageCount[0] = str('pagetotal');
    f.pageRange = str('pages');
    f.isbn = str('isbn');
    const built = refuseOn(refused, () => referenceReading(f, where, makeId(), now.toISOString()));
    if (built) records.push({ line: chunk.line, ...built });
  }
  onProgress?.(input.length, input.length);
  return { file, records, refused, work: work + records.length };
}
