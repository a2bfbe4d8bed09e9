/**
 * Every kernel launcher's declared binding layout (src/kernels/*.ts) against
 * the WGSL it launches: binding names and slots, the uniform struct's fields
 * (names, types, order = offsets), and exactly the module-scope variables each
 * entry point uses (what a pipeline's 'auto' layout contains). Static: reads
 * shaders/ as text, needs no GPU.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KernelLayout } from '../../src/gpu/dispatch';
import * as adamw from '../../src/kernels/adamw';
import * as attention from '../../src/kernels/attention';
import * as elementwise from '../../src/kernels/elementwise';
import * as embedding from '../../src/kernels/embedding';
import * as layernorm from '../../src/kernels/layernorm';
import * as loss from '../../src/kernels/loss';
import * as matmul from '../../src/kernels/matmul';
import * as score from '../../src/kernels/score';

const SHADERS = join(__dirname, '../../shaders');

interface ModuleVar {
  group: number;
  binding: number;
  space: string;
  name: string;
  type: string;
}
interface Wgsl {
  vars: Map<string, ModuleVar>;
  structs: Map<string, [string, string][]>;
  fns: Map<string, string>;
  entryPoints: string[];
}

function source(file: string): string {
  const text = readFileSync(join(SHADERS, file), 'utf8');
  return text.replace(/^\/\/!include\s+(\S+)\s*$/gm, (_, inc: string) => source(inc));
}

function parse(file: string): Wgsl {
  const text = source(file).replace(/\/\/.*$/gm, '');
  const vars = new Map<string, ModuleVar>();
  for (const m of text.matchAll(/@group\((\d+)\)\s*@binding\((\d+)\)\s*var<([^>]+)>\s*(\w+)\s*:\s*([^;]+);/g)) {
    vars.set(m[4], { group: Number(m[1]), binding: Number(m[2]), space: m[3].replace(/\s/g, ''), name: m[4], type: m[5].trim() });
  }
  const structs = new Map<string, [string, string][]>();
  for (const m of text.matchAll(/struct\s+(\w+)\s*\{([^}]*)\}/g)) {
    structs.set(
      m[1],
      [...m[2].matchAll(/(\w+)\s*:\s*([\w<>]+)/g)].map((f) => [f[1], f[2]]),
    );
  }
  const fns = new Map<string, string>();
  const entryPoints: string[] = [];
  for (const m of text.matchAll(/(@compute[^{]*?)?\bfn\s+(\w+)\s*\(/g)) {
    let depth = 0;
    let i = text.indexOf('{', m.index! + m[0].length);
    const start = i;
    for (; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) break;
    }
    fns.set(m[2], text.slice(start, i + 1));
    if (m[1]) entryPoints.push(m[2]);
  }
  return { vars, structs, fns, entryPoints };
}

/** Module-scope variables an entry point uses, through the functions it calls. */
function usedVars(w: Wgsl, entry: string): Set<string> {
  const used = new Set<string>();
  const seen = new Set<string>();
  const visit = (fn: string) => {
    if (seen.has(fn)) return;
    seen.add(fn);
    for (const [id] of w.fns.get(fn)!.matchAll(/(?<![.\w])[A-Za-z_]\w*\b/g)) {
      if (w.vars.has(id)) used.add(id);
      if (w.fns.has(id) && id !== fn) visit(id);
    }
  };
  visit(entry);
  return used;
}

const isLayout = (v: unknown): v is KernelLayout => typeof v === 'object' && v !== null && 'entryPoints' in v && 'offsets' in v && 'storage' in v;
const layouts = [adamw, attention, elementwise, embedding, layernorm, loss, matmul, score].flatMap((m) => Object.entries(m).filter(([, v]) => isLayout(v))) as [
  string,
  KernelLayout,
][];
const files = readdirSync(SHADERS).filter((f) => f.endsWith('.wgsl'));
const parsed = new Map(files.map((f) => [f, parse(f)]));

describe('kernel binding layouts match the WGSL declarations', () => {
  it('every @compute entry point in shaders/ has exactly one declared layout', () => {
    const declared = layouts.flatMap(([, l]) => l.entryPoints.map((e) => `${l.file}:${e}`)).sort();
    const inShaders = files.flatMap((f) => parsed.get(f)!.entryPoints.map((e) => `${f}:${e}`)).sort();
    expect(declared).toEqual(inShaders);
  });

  for (const [name, layout] of layouts) {
    it(`${name} (${layout.file}: ${layout.entryPoints.join(', ')})`, () => {
      const w = parsed.get(layout.file);
      expect(w, `shaders/${layout.file}`).toBeDefined();
      const u = w!.vars.get(layout.uniform.name);
      expect(u, `uniform ${layout.uniform.name}`).toMatchObject({ group: 0, binding: layout.uniform.binding, space: 'uniform', type: layout.uniform.struct });
      expect(w!.structs.get(layout.uniform.struct), `struct ${layout.uniform.struct}`).toEqual(Object.entries(layout.uniform.fields));
      const offsets = Object.keys(layout.uniform.fields).map((f, i) => [f, i]);
      expect(Object.entries(layout.offsets)).toEqual(offsets);
      for (const [varName, slot] of Object.entries<number>(layout.storage)) {
        const v = w!.vars.get(varName);
        expect(v, `storage ${varName}`).toBeDefined();
        expect({ name: varName, group: v!.group, binding: v!.binding, storage: v!.space.startsWith('storage') }).toEqual({
          name: varName,
          group: 0,
          binding: slot,
          storage: true,
        });
      }
      for (const entry of layout.entryPoints) {
        expect(w!.entryPoints, `entry point ${entry}`).toContain(entry);
        const expected = [layout.uniform.name, ...Object.keys(layout.storage)].sort();
        expect([...usedVars(w!, entry)].sort(), `variables ${entry} uses`).toEqual(expected);
      }
    });
  }
});
