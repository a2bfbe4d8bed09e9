/** Helpers for the reference-import tests. */
import { readFileSync } from 'node:fs';
import type { ParsedImport } from '../../src/data/importRecord';
import type { Reading } from '../../src/data/types';
import { ValidationError } from '../../src/data/validate';

/** The readings of an import that refused nothing; the first refusal is thrown, as the whole file's error. */
export function strictReadings(p: ParsedImport): Reading[] {
  if (p.refused.length) throw new ValidationError(p.refused[0]);
  return p.records.map((r) => r.reading);
}

/** A reference file of test/data/fixtures/imports/, as text. */
export const fixture = (name: string) => readFileSync(`test/data/fixtures/imports/${name}`, 'utf8');
