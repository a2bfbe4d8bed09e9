/**
 * Path packs: other learners' sequences in the `user item` line format (as in
 * ../shared/datasets/amazon-games.txt), mapped onto catalog readings by lines
 *
 *   # map ITEM URL-or-exact-title
 *
 * Items with no mapping (or mapped to nothing in the catalog) are dropped and
 * counted; a pack that maps nothing at all is refused. Sequences shorter than
 * two mapped readings carry no transition and are dropped too.
 */
import { parseUserItemLines } from './userItems';
import type { PathPack, Reading } from './types';
import { PATH_PACK_NAME_MAX, ValidationError, validatePathPack } from './validate';

export interface PathPackImport {
  pack: PathPack;
  users: number;
  mappedItems: number;
  droppedInteractions: number;
}

export function parsePathPack(input: string, file: string, catalog: Reading[], id: string, now = new Date()): PathPackImport {
  const byUrl = new Map<string, string>();
  const byTitle = new Map<string, string>();
  for (const r of catalog) {
    if (r.url) byUrl.set(r.url.toLowerCase(), r.id);
    byTitle.set(r.title.toLowerCase(), r.id);
  }
  const map = new Map<number, string>();
  const data: string[] = [];
  input.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    const m = /^#\s*map\s+(\S+)\s+(.+)$/i.exec(line);
    if (m) {
      const item = Number(m[1]);
      if (!Number.isSafeInteger(item) || item < 1) throw new ValidationError(`${file}, line ${i + 1}, field item: "${m[1]}" is not a positive integer`);
      const target = m[2].trim().toLowerCase();
      let found = byUrl.get(target);
      if (!found) {
        try {
          found = byUrl.get(new URL(m[2].trim()).toString().toLowerCase());
        } catch {
          // not a URL: a title
        }
      }
      found ??= byTitle.get(target);
      if (found) map.set(item, found);
      data.push('');
    } else data.push(line.startsWith('#') ? '' : raw);
  });
  const parsed = parseUserItemLines(data.join('\n'), file);
  if (map.size === 0) throw new ValidationError(`${file}: no "# map ITEM URL-or-title" line matches a reading in the catalog, so the pack would add nothing`);
  let dropped = 0;
  const sequences: string[][] = [];
  for (const seq of parsed.sequences) {
    const mapped: string[] = [];
    for (const item of seq) {
      const r = map.get(item);
      if (r) mapped.push(r);
      else dropped++;
    }
    if (mapped.length >= 2) sequences.push(mapped);
    else dropped += mapped.length;
  }
  // Named after its file, cut to the length a pack's name may have; then through the one validation a backup's pack passes.
  const pack = validatePathPack({ id, name: file.slice(0, PATH_PACK_NAME_MAX), importedAt: now.toISOString(), sequences }, file);
  return { pack, users: sequences.length, mappedItems: map.size, droppedInteractions: dropped };
}
