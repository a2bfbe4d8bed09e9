/**
 * Factorised token embeddings (model/ktTokenParts.ts): which parameter rows
 * each token and interaction sums, and that the gradient lists are exactly
 * the transpose of the composing ones.
 */
import { describe, expect, it } from 'vitest';
import { makeKtConfig, type KtTokenParts } from '../../src/model/config';
import { ktParameterLayout } from '../../src/model/ktParameters';
import { interactionTableParts, queryTableParts, tokenPartsOf, type TableParts } from '../../src/model/ktTokenParts';
import { tensor } from '../../src/model/parameters';
import type { SegmentList } from '../../src/kernels/segments';

/** (dst, src) pairs of a segment list, sorted. */
function pairs(seg: SegmentList): string[] {
  const out: string[] = [];
  for (let u = 0; u < seg.rows.length; u++) for (let e = seg.offsets[u]; e < seg.offsets[u + 1]; e++) out.push(`${seg.rows[u]}<-${seg.entrySrc[e]}`);
  return out.sort();
}
const transposed = (seg: SegmentList) =>
  pairs(seg)
    .map((p) => p.split('<-').reverse().join('<-'))
    .sort();
/** Parameter rows each table row sums. */
function sources(t: TableParts): Map<number, number[]> {
  const m = new Map<number, number[]>();
  for (let u = 0; u < t.compose.rows.length; u++) {
    const src: number[] = [];
    for (let e = t.compose.offsets[u]; e < t.compose.offsets[u + 1]; e++) src.push(t.compose.entrySrc[e]);
    m.set(
      t.compose.rows[u],
      src.sort((a, b) => a - b),
    );
  }
  return m;
}

describe('token parts', () => {
  const p: KtTokenParts = { skills: 4, factors: [3, 2], joint: true };
  const cfg = makeKtConfig({ skills: 24, maxlen: 5, dim: 8, heads: 2, ffnDim: 8, dropout: 0, tokenParts: p });

  it('decodes token = skill + skills * (f0 + n0 * f1)', () => {
    expect(tokenPartsOf(1, p)).toEqual({ skill: 1, factors: [0, 0] });
    expect(tokenPartsOf(4 + 4 * (2 + 3 * 1), p)).toEqual({ skill: 4, factors: [2, 1] });
    const three = { skills: 2, factors: [3, 2, 4], joint: false };
    expect(tokenPartsOf(1 + 2 * (1 + 3 * (0 + 2 * 3)), three)).toEqual({ skill: 1, factors: [1, 0, 3] });
    const seen = new Set<string>();
    for (let t = 1; t <= 24; t++) seen.add(JSON.stringify(tokenPartsOf(t, p)));
    expect(seen.size).toBe(24);
  });

  it('a token sums its joint row and its skill and factor rows', () => {
    const q = sources(queryTableParts(cfg));
    expect(q.has(0)).toBe(false); // padding stays zero
    // token 23 = skill 3, state 2, run 1: joint 23, then parts after the 25 joint rows
    expect(q.get(23)).toEqual([23, 25 + 2, 25 + 4 + 2, 25 + 4 + 3 + 1]);
    expect(q.size).toBe(24);
    const kv = sources(interactionTableParts(cfg));
    // interaction 23 + 24 (outcome 1): joint 47, parts of outcome 1's block after 49 joint rows and 9 outcome-0 part rows
    expect(kv.get(47)).toEqual([47, 49 + 9 + 2, 49 + 9 + 4 + 2, 49 + 9 + 4 + 3 + 1]);
    expect(kv.get(23)).toEqual([23, 49 + 2, 49 + 4 + 2, 49 + 4 + 3 + 1]);
    expect(kv.size).toBe(48);
  });

  it('without joint rows only the parts are summed; the parameters have the rows the lists address', () => {
    const only = { ...p, joint: false };
    const c = { ...cfg, tokenParts: only };
    const q = queryTableParts(c);
    const kv = interactionTableParts(c);
    expect(sources(q).get(23)).toEqual([25 + 2, 25 + 4 + 2, 25 + 4 + 3 + 1]);
    const layout = ktParameterLayout(c);
    expect(tensor(layout, 'skill_emb').size).toBe(q.paramRows * c.dim);
    expect(tensor(layout, 'inter_emb').size).toBe(kv.paramRows * c.dim);
    expect(Math.max(...kv.compose.entrySrc)).toBe(kv.paramRows - 1);
  });

  it('the gradient lists are the transpose of the composing lists', () => {
    for (const t of [queryTableParts(cfg), interactionTableParts(cfg)]) expect(pairs(t.decompose)).toEqual(transposed(t.compose));
  });

  it('rejects parts that do not multiply out to the tokens', () => {
    expect(() => makeKtConfig({ skills: 25, tokenParts: p })).toThrow(/not the config's 25 tokens/);
    expect(() => queryTableParts({ ...cfg, tokenParts: { ...p, factors: [3, 0] } })).toThrow(/positive integers/);
    expect(() => queryTableParts({ ...cfg, tokenParts: { ...p, factors: [] } })).toThrow(/not the config's 24 tokens/);
  });
});
