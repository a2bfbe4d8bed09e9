/**
 * BibTeX entries as readings. Handles {braced} and "quoted" values with
 * nesting, bare numbers, @comment/@preamble/@string blocks (skipped) and
 * "and"-separated authors. A malformed entry names its line.
 */
import type { Reading } from './types';
import { ValidationError, httpUrl, int, text, textList, validateReading } from './validate';

export interface BibEntry {
  type: string;
  key: string;
  line: number;
  fields: Map<string, string>;
}

export function parseBibtex(input: string, file = 'BibTeX'): BibEntry[] {
  const entries: BibEntry[] = [];
  let i = 0;
  const n = input.length;
  const lineAt = (pos: number) => {
    let l = 1;
    for (let k = 0; k < pos && k < n; k++) if (input[k] === '\n') l++;
    return l;
  };
  const err = (pos: number, what: string): never => {
    throw new ValidationError(`${file}, line ${lineAt(pos)}: ${what}`);
  };
  const skipWs = () => {
    while (i < n && /\s/.test(input[i])) i++;
  };
  const readBraced = (): string => {
    // input[i] === '{'
    const start = i;
    let depth = 0;
    let out = '';
    for (; i < n; i++) {
      const c = input[i];
      if (c === '{') {
        depth++;
        if (depth > 1) out += c;
      } else if (c === '}') {
        depth--;
        if (depth === 0) {
          i++;
          return out;
        }
        out += c;
      } else out += c;
    }
    return err(start, 'a { is never closed');
  };
  const readQuoted = (): string => {
    const start = i;
    i++;
    let depth = 0;
    let out = '';
    for (; i < n; i++) {
      const c = input[i];
      if (c === '{') depth++;
      if (c === '}') depth--;
      if (c === '"' && depth === 0 && input[i - 1] !== '\\') {
        i++;
        return out;
      }
      out += c;
    }
    return err(start, 'a quoted value is never closed');
  };
  while (i < n) {
    const at = input.indexOf('@', i);
    if (at < 0) break;
    i = at + 1;
    const m = /^[A-Za-z]+/.exec(input.slice(i, i + 40));
    if (!m) err(at, 'expected an entry type after @');
    const type = m![0].toLowerCase();
    i += type.length;
    skipWs();
    if (input[i] !== '{' && input[i] !== '(') err(i, `expected { after @${type}`);
    if (type === 'comment' || type === 'preamble' || type === 'string') {
      readBraced();
      continue;
    }
    i++;
    skipWs();
    const keyEnd = input.indexOf(',', i);
    if (keyEnd < 0) err(at, `entry @${type} has no citation key followed by a comma`);
    const key = input.slice(i, keyEnd).trim();
    if (!/^[^\s{}(),=#%"]+$/.test(key)) err(at, `entry @${type} has an invalid citation key "${key.slice(0, 40)}"`);
    i = keyEnd + 1;
    const fields = new Map<string, string>();
    for (;;) {
      skipWs();
      if (input[i] === '}' || input[i] === ')') {
        i++;
        break;
      }
      if (i >= n) err(at, `entry ${key} is never closed`);
      const fm = /^[A-Za-z][\w-]*/.exec(input.slice(i, i + 60));
      if (!fm) err(i, `entry ${key}: expected a field name`);
      const name = fm![0].toLowerCase();
      i += name.length;
      skipWs();
      if (input[i] !== '=') err(i, `entry ${key}, field ${name}: expected =`);
      i++;
      skipWs();
      let value: string;
      if (input[i] === '{') value = readBraced();
      else if (input[i] === '"') value = readQuoted();
      else {
        const vm = /^[\w.-]+/.exec(input.slice(i, i + 100));
        if (!vm) err(i, `entry ${key}, field ${name}: expected a value`);
        value = vm![0];
        i += value.length;
      }
      fields.set(name, value.replace(/\s+/g, ' ').trim());
      skipWs();
      if (input[i] === ',') i++;
    }
    entries.push({ type, key, line: lineAt(at), fields });
  }
  return entries;
}

/** Strip TeX grouping braces and the commonest accents/escapes; the result is plain text. */
function detex(s: string): string {
  return s
    .replace(/\\[`'^"~=.]\{?([A-Za-z])\}?/g, '$1')
    .replace(/\\&/g, '&')
    .replace(/[{}]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export function readingsFromBibtex(input: string, file: string, makeId: () => string, now = new Date()): Reading[] {
  return parseBibtex(input, file).map((e) => {
    const where = `${file}, line ${e.line} (entry ${e.key})`;
    const f = (k: string) => e.fields.get(k) ?? '';
    const yearText = f('year').trim();
    const pages = /^(\d+)\s*-+\s*(\d+)$/.exec(f('pages'));
    const url = f('url') || (f('doi') ? `https://doi.org/${f('doi').replace(/^https?:\/\/(dx\.)?doi\.org\//, '')}` : '');
    // Through the one validation a backup's reading passes, so what this import writes, a restore accepts.
    const reading: Reading = {
      id: makeId(),
      title: text(detex(f('title')), where, 'title', { required: true, max: 1000 }),
      url: httpUrl(url, where, f('url') ? 'url' : 'doi'),
      authors: textList(
        f('author')
          .split(/\s+and\s+/)
          .map((a) => detex(a)),
        where,
        'author',
        300,
      ),
      year: yearText === '' ? null : int(yearText, where, 'year', 1000, 2100),
      topics: textList(
        f('keywords')
          .split(/[,;]/)
          .map((k) => detex(k).toLowerCase()),
        where,
        'keywords',
        100,
      ),
      minutes: pages ? Math.min(100_000, Math.max(5, 2 * Math.max(1, Number(pages[2]) - Number(pages[1]) + 1))) : 30,
      difficulty: 3,
      prerequisites: [],
      addedAt: now.toISOString(),
      status: 'unread',
      source: 'import',
      progress: null,
      doi: null,
    };
    return validateReading(reading, where);
  });
}
