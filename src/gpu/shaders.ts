/**
 * WGSL sources from shaders/, with `//!include name.wgsl` lines replaced by
 * that file. Bundled at build time by Vite (and by Vitest in Node).
 */
const files = import.meta.glob('../../shaders/*.wgsl', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

const byName = new Map<string, string>();
for (const [path, text] of Object.entries(files)) byName.set(path.slice(path.lastIndexOf('/') + 1), text);

export function shaderSource(name: string): string {
  const text = byName.get(name);
  if (text === undefined) throw new Error(`no shader named ${name} in shaders/`);
  return text.replace(/^\/\/!include\s+(\S+)\s*$/gm, (_, inc: string) => shaderSource(inc));
}
