/**
 * The data and model bench:quality trains and evaluates (bench/quality.ts), and bench/timeToTarget.ts
 * evaluates again from its snapshots. The model: the WGSL engine on whatever WebGPU adapter is present, or with --cpu the float64
 * reference, behind one set of functions.
 */
import { gpu } from './webgpu-node';
import { GpuContext, acquireDevice } from '../src/gpu/context';
import { GpuEngine } from '../src/model/engine';
import { ReferenceModel } from '../src/reference/model';
import type { ModelConfig } from '../src/model/config';
import type { sequenceBatch } from '../src/train/sampling';
import type { Opts } from './qualityArgs';
import { readFileSync } from 'node:fs';
import { parseUserItemLines } from '../src/data/userItems';
import { compactItems, leaveLastTwo } from '../src/eval/split';
import { evalCases } from '../src/eval/evaluate';

/** The sequences as --limit-users and --compact-items leave them, the paper's split, and its seeded evaluation cases. */
export function qualityData(o: Opts) {
  const data = parseUserItemLines(readFileSync(o.data, 'utf8'), o.data);
  let sequences = data.sequences;
  if (o.limitUsers > 0) sequences = sequences.slice(0, o.limitUsers);
  if (o.compactItems) {
    const c = compactItems(sequences);
    sequences = c.sequences;
    data.items = c.items;
  }
  const split = leaveLastTwo(sequences);
  const validCases = evalCases(split, sequences, 'valid', data.items, o.seed, o.evalUsers);
  const testCases = evalCases(split, sequences, 'test', data.items, o.seed + 1, o.evalUsers);
  return { data, sequences, split, validCases, testCases };
}

export interface QualityModel {
  adapter: string;
  /** The most candidates one softmax step can hold (its logits stay within one binding). */
  maxCandidates: number;
  trainStep(batch: ReturnType<typeof sequenceBatch>, read: boolean): Promise<number>;
  /** The final hidden state of each history (histories × dim). */
  encode(histories: number[][]): Promise<Float32Array | Float64Array>;
  itemTable(): Promise<ArrayLike<number>>;
  save(): Promise<Uint8Array>;
  restore(state: Uint8Array): void;
}

export async function qualityModel(o: Opts, cfg: ModelConfig): Promise<QualityModel> {
  const B = o.batch;
  const optimizer = { lr: o.lr, beta1: 0.9, beta2: 0.98, weightDecay: 0 };
  if (o.cpu) {
    const ref = new ReferenceModel(cfg, { batchSize: B, seed: o.seed, optimizer });
    return {
      adapter: 'cpu-reference (float64)',
      maxCandidates: cfg.items,
      trainStep: async (b) => ref.trainStep(b),
      encode: async (h) => ref.encodeHistories(h),
      itemTable: async () => ref.composeItems(),
      save: async () => new Uint8Array(Float64Array.from(ref.params).buffer),
      restore: (s) => ref.params.set(new Float64Array(s.buffer.slice(s.byteOffset, s.byteOffset + s.byteLength))),
    };
  }
  const ctx = new GpuContext(await acquireDevice(gpu));
  const maxCandidates = Math.min(cfg.items, Math.floor(ctx.device.limits.maxStorageBufferBindingSize / (4 * B * o.maxlen)));
  const fullSoftmax = o.loss === 'ce' && o.negatives <= 0;
  const eng = await GpuEngine.create(ctx, cfg, { batchSize: B, seed: o.seed, optimizer, maxCandidates, ceChunkItems: fullSoftmax ? o.ceChunk : 0 });
  return {
    adapter: ctx.adapterName,
    maxCandidates,
    trainStep: (b, read) => eng.trainStep(b, read),
    encode: (h) => eng.encodeHistories(h),
    itemTable: () => eng.readItemTable(),
    save: () => eng.save(),
    restore: (s) => eng.load(s),
  };
}
