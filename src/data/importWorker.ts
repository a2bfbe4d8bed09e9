/**
 * The import worker: parses a reference file off the page's thread, posting
 * progress for a long file, then the parsed import or the error's message.
 * Nothing here writes: the page plans the import, shows it, and writes it
 * only when the learner confirms.
 */
import { readReferenceFile } from './referenceFile';
import type { ReferenceOptions } from './referenceFormats';
import type { ParsedImport } from './importRecord';

export interface ImportRequest {
  name: string;
  text: string;
  options: ReferenceOptions;
}

export type ImportReply = { kind: 'progress'; done: number; total: number } | { kind: 'done'; parsed: ParsedImport } | { kind: 'error'; message: string };

const post = (m: ImportReply) => (self as unknown as { postMessage(m: ImportReply): void }).postMessage(m);

self.onmessage = (ev: MessageEvent<ImportRequest>) => {
  const { name, text, options } = ev.data;
  try {
    const parsed = readReferenceFile(
      name,
      text,
      options,
      () => crypto.randomUUID(),
      (done, total) => post({ kind: 'progress', done, total }),
    );
    post({ kind: 'done', parsed });
  } catch (e) {
    post({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
