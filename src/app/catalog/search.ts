import type { Reading, StudySession } from '../../data/types';

/** Each reading's session notes, joined and lower-cased once per render, for the catalog's search. */
export function notesByReading(sessions: StudySession[]): Map<string, string> {
  const notes = new Map<string, string[]>();
  for (const s of sessions) if (s.notes.trim() !== '') notes.set(s.readingId, [...(notes.get(s.readingId) ?? []), s.notes.toLowerCase()]);
  return new Map([...notes].map(([id, n]) => [id, n.join('\n')]));
}

/**
 * Whether a reading matches the catalog's search: every word of the query (case-insensitive) is found in its
 * title, an author, a topic or the notes of one of its sessions. An empty query matches every reading.
 */
export function matchesSearch(reading: Reading, query: string, notes: Map<string, string>): boolean {
  const words = query
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) return true;
  const text = [reading.title, ...reading.authors, ...reading.topics].join('\n').toLowerCase() + '\n' + (notes.get(reading.id) ?? '');
  return words.every((w) => text.includes(w));
}
