/**
 * Checkpoints hold finite numbers only: a model with a NaN or an infinity is
 * never encoded (so never written), and a blob holding one is never decoded
 * (so never loaded), each with a message naming the tensor.
 */
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint, NonFiniteWeightsError } from '../../src/model/checkpoint';
import { parameterLayout } from '../../src/model/parameters';
import { Rng } from '../../src/model/random';
import { ReferenceModel } from '../../src/reference/model';
import { awkwardConfig, randomContent } from '../support/fixtures';

const cfg = awkwardConfig('ce');
const model = () => new ReferenceModel(cfg, { batchSize: 2, seed: 5, content: randomContent(cfg, new Rng(5)) });

describe('finite checkpoints', () => {
  it('refuses to encode weights or optimizer state with a NaN or an infinity, naming where', () => {
    const m = model();
    const good = m.save();
    expect(decodeCheckpoint(good).params.every(Number.isFinite)).toBe(true);
    const layout = parameterLayout(cfg);
    const t = layout.tensors[1];
    m.params[t.offset + 2] = NaN;
    expect(() => m.save()).toThrow(NonFiniteWeightsError);
    expect(() => m.save()).toThrow(new RegExp(`not written, 1 value is not finite \\(the first: NaN in the weights of ${t.name}\\[2\\]\\)`));
    m.params[t.offset + 2] = 0;
    m.v[0] = Infinity;
    expect(() => m.save()).toThrow(/optimizer moments v/);
    m.v[0] = 0;
    m.params[0] = 1e300; // finite in float64, Infinity in the float32 blob
    expect(() => m.save()).toThrow(/Infinity in the weights/);
  });

  it('refuses to decode (and so to load) a blob holding a NaN', () => {
    const m = model();
    const blob = m.save();
    const bad = blob.slice();
    // The last float32 of the blob (a v entry) becomes a NaN: 0x7fc00000, little-endian.
    bad.set([0x00, 0x00, 0xc0, 0x7f], bad.length - 4);
    expect(() => decodeCheckpoint(bad)).toThrow(/checkpoint: refused, 1 value is not finite \(the first: NaN in the optimizer moments v/);
    const other = model();
    const before = other.save();
    expect(() => other.load(bad)).toThrow(NonFiniteWeightsError);
    expect(other.save()).toEqual(before); // refused before anything was copied in
    expect(() => encodeCheckpoint(decodeCheckpoint(blob))).not.toThrow();
  });
});
