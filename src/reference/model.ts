/**
 * The whole model on the CPU in float64: the oracle for every GPU test and
 * the trainer's fallback where WebGPU is missing. It mirrors the GPU engine's
 * API (forward / backward / step / parameters / save / load).
 */
import { DEFAULT_OPTIMIZER, type ModelConfig, type OptimizerConfig } from '../model/config';
import { parameterLayout, tensor, type ParameterLayout } from '../model/parameters';
import { contentSegments, historyBatch, prepareBatch, withoutEach, type Batch, type ItemContent, type PreparedBatch } from '../model/batch';
import type { SegmentList } from '../kernels/segments';
import { initParameters } from '../model/init';
import { decodeCheckpoint, encodeCheckpoint, sameConfig } from '../model/checkpoint';
import { dropoutKey, dropoutThreshold } from '../model/random';
import { dropoutSite } from '../model/dropout';
import * as op from './ops';

export interface ForwardOptions {
  /** Dropout on (default true). */
  training?: boolean;
}

export interface ForwardResult {
  loss: number;
  /** Per layer, (B, H, T, T) attention weights. */
  attention: Float64Array[];
}

interface BlockActs {
  resIn: Float64Array; // (BT, C) residual stream entering the block
  ln1: Float64Array;
  mean1: Float64Array;
  rstd1: Float64Array;
  qkv: Float64Array; // (BT, 3C)
  att: Float64Array; // (B, H, T, T)
  atty: Float64Array; // (BT, C)
  proj: Float64Array; // (BT, C)
  resMid: Float64Array;
  ln2: Float64Array;
  mean2: Float64Array;
  rstd2: Float64Array;
  fc1: Float64Array; // (BT, F) pre-activation
  act: Float64Array; // (BT, F)
  fc2: Float64Array; // (BT, C)
}

interface Acts {
  prep: PreparedBatch;
  training: boolean;
  dropStep: number;
  E: Float64Array; // composed item table (items+1, C)
  featProj: Float64Array | null;
  emb: Float64Array;
  blocks: BlockActs[];
  resOut: Float64Array;
  hf: Float64Array;
  meanf: Float64Array;
  rstdf: Float64Array;
  losses: Float64Array;
  dlogits: Float64Array; // bce: (2BT); ce: (BT, M)
  dhf: Float64Array;
  ecand: Float64Array | null;
}

export class ReferenceModel {
  readonly cfg: ModelConfig;
  readonly layout: ParameterLayout;
  readonly batchSize: number;
  readonly params: Float64Array;
  readonly grads: Float64Array;
  readonly m: Float64Array;
  readonly v: Float64Array;
  opt: OptimizerConfig;
  seed: number;
  /** AdamW steps taken. */
  stepCount = 0;
  private content: { forward: SegmentList; backward: SegmentList; invCount: Float32Array } | null = null;
  private acts: Acts | null = null;

  constructor(
    cfg: ModelConfig,
    opts: { batchSize: number; seed?: number; content?: ItemContent; optimizer?: Partial<OptimizerConfig>; params?: Float32Array },
  ) {
    this.cfg = cfg;
    this.layout = parameterLayout(cfg);
    this.batchSize = opts.batchSize;
    this.seed = opts.seed ?? 1;
    this.opt = { ...DEFAULT_OPTIMIZER, ...opts.optimizer };
    const init = opts.params ?? initParameters(cfg, this.layout, this.seed);
    this.params = Float64Array.from(init);
    this.grads = new Float64Array(this.layout.total);
    this.m = new Float64Array(this.layout.total);
    this.v = new Float64Array(this.layout.total);
    if (cfg.contentBuckets > 0) {
      if (!opts.content) throw new Error('model config has contentBuckets > 0 but no item content was given');
      this.content = contentSegments(opts.content, cfg.items, cfg.contentBuckets);
    }
  }

  view(name: string): Float64Array {
    const t = tensor(this.layout, name);
    return this.params.subarray(t.offset, t.offset + t.size);
  }
  gradView(name: string): Float64Array {
    const t = tensor(this.layout, name);
    return this.grads.subarray(t.offset, t.offset + t.size);
  }

  /** The item table the model scores with: item_emb (+ mean of content token embeddings). */
  composeItems(): Float64Array {
    const C = this.cfg.dim;
    const E = Float64Array.from(this.view('item_emb'));
    if (this.content) {
      op.segmentSum(this.content.forward, this.view('content_emb'), this.content.invCount, C, E, true);
    }
    return E;
  }

  forward(batch: Batch, options: ForwardOptions = {}): ForwardResult {
    const cfg = this.cfg;
    const training = options.training ?? true;
    const B = this.batchSize;
    const T = cfg.maxlen;
    const C = cfg.dim;
    const H = cfg.heads;
    const F = cfg.ffnDim;
    const BT = B * T;
    const prep = prepareBatch(cfg, batch, B);
    const ids = batch.inputs;
    const p = cfg.dropout;
    const thr = training ? dropoutThreshold(p) : 0;
    const dscale = 1 / (1 - p);
    const key = (site: number) => dropoutKey(this.seed, this.stepCount, site);

    const E = this.composeItems();
    let featProj: Float64Array | null = null;
    if (cfg.features > 0) {
      featProj = new Float64Array(BT * C);
      op.matmul(batch.features!, this.view('feat_w'), BT, C, cfg.features, false, false, this.view('feat_b'), featProj);
    }
    const emb = new Float64Array(BT * C);
    op.embedForward(ids, E, this.view('pos_emb'), featProj, B, T, C, key(dropoutSite.embedding), thr, dscale, emb);

    const blocks: BlockActs[] = [];
    let x = emb;
    for (let l = 0; l < cfg.blocks; l++) {
      const a: BlockActs = {
        resIn: x,
        ln1: new Float64Array(BT * C),
        mean1: new Float64Array(BT),
        rstd1: new Float64Array(BT),
        qkv: new Float64Array(BT * 3 * C),
        att: new Float64Array(B * H * T * T),
        atty: new Float64Array(BT * C),
        proj: new Float64Array(BT * C),
        resMid: new Float64Array(BT * C),
        ln2: new Float64Array(BT * C),
        mean2: new Float64Array(BT),
        rstd2: new Float64Array(BT),
        fc1: new Float64Array(BT * F),
        act: new Float64Array(BT * F),
        fc2: new Float64Array(BT * C),
      };
      op.layernormForward(x, this.view(`b${l}.ln1`), BT, C, a.ln1, a.mean1, a.rstd1);
      op.matmul(a.ln1, this.view(`b${l}.qkv_w`), BT, 3 * C, C, false, false, this.view(`b${l}.qkv_b`), a.qkv);
      op.attentionForward(a.qkv, ids, B, T, C, H, a.atty, a.att);
      op.matmul(a.atty, this.view(`b${l}.proj_w`), BT, C, C, false, false, this.view(`b${l}.proj_b`), a.proj);
      op.residualDropoutForward(x, a.proj, key(dropoutSite.attention(l)), thr, dscale, a.resMid);
      op.layernormForward(a.resMid, this.view(`b${l}.ln2`), BT, C, a.ln2, a.mean2, a.rstd2);
      op.matmul(a.ln2, this.view(`b${l}.fc1_w`), BT, F, C, false, false, this.view(`b${l}.fc1_b`), a.fc1);
      op.geluForward(a.fc1, a.act);
      op.matmul(a.act, this.view(`b${l}.fc2_w`), BT, C, F, false, false, this.view(`b${l}.fc2_b`), a.fc2);
      const out = new Float64Array(BT * C);
      op.residualDropoutForward(a.resMid, a.fc2, key(dropoutSite.ffn(l)), thr, dscale, out);
      blocks.push(a);
      x = out;
    }
    const hf = new Float64Array(BT * C);
    const meanf = new Float64Array(BT);
    const rstdf = new Float64Array(BT);
    op.layernormForward(x, this.view('ln_f'), BT, C, hf, meanf, rstdf);

    const losses = new Float64Array(BT);
    const dhf = new Float64Array(BT * C);
    let dlogits: Float64Array;
    let ecand: Float64Array | null = null;
    if (cfg.loss === 'bce') {
      dlogits = new Float64Array(2 * BT);
      op.bceLoss(hf, E, batch.targets, batch.negatives!, BT, C, prep.nValid, losses, dlogits, dhf);
    } else {
      const cand = prep.candidates!;
      const M = cand.length;
      ecand = new Float64Array(M * C);
      for (let j = 0; j < M; j++) ecand.set(E.subarray(cand[j] * C, cand[j] * C + C), j * C);
      dlogits = new Float64Array(BT * M);
      op.matmul(hf, ecand, BT, M, C, false, true, null, dlogits);
      op.softmaxCrossEntropy(dlogits, prep.targetIndex!, BT, M, prep.nValid, losses);
      op.matmul(dlogits, ecand, BT, C, M, false, false, null, dhf);
    }
    let loss = 0;
    for (let i = 0; i < BT; i++) loss += losses[i];
    loss = prep.nValid > 0 ? loss / prep.nValid : 0;
    this.acts = { prep, training, dropStep: this.stepCount, E, featProj, emb, blocks, resOut: x, hf, meanf, rstdf, losses, dlogits, dhf, ecand };
    return { loss, attention: blocks.map((b) => b.att) };
  }

  /** Gradients of the last forward's loss into `grads` (overwritten). */
  backward(): void {
    const a = this.acts;
    if (!a) throw new Error('backward() needs a forward() first');
    const cfg = this.cfg;
    const B = this.batchSize;
    const T = cfg.maxlen;
    const C = cfg.dim;
    const H = cfg.heads;
    const F = cfg.ffnDim;
    const BT = B * T;
    const ids = a.prep.batch.inputs;
    const p = cfg.dropout;
    const thr = a.training ? dropoutThreshold(p) : 0;
    const dscale = 1 / (1 - p);
    const key = (site: number) => dropoutKey(this.seed, a.dropStep, site);
    this.grads.fill(0);
    const dE = new Float64Array((cfg.items + 1) * C);

    // loss -> item table
    if (cfg.loss === 'bce') {
      op.segmentSum(a.prep.targetSegments!, a.hf, a.dlogits, C, dE, true);
    } else {
      const cand = a.prep.candidates!;
      const M = cand.length;
      const decand = new Float64Array(M * C);
      op.matmul(a.dlogits, a.hf, M, C, BT, true, false, null, decand);
      for (let j = 0; j < M; j++) for (let c = 0; c < C; c++) dE[cand[j] * C + c] += decand[j * C + c];
    }
    // final LayerNorm
    const dx = new Float64Array(BT * C);
    op.layernormBackward(a.dhf, a.resOut, a.meanf, a.rstdf, this.view('ln_f'), BT, C, dx);
    op.layernormBackwardParams(a.dhf, a.resOut, a.meanf, a.rstdf, BT, C, this.gradView('ln_f'));

    /** Backward of y = x.W + b with x (BT, inDim): dW = x^T.dy, db = sum dy, dx = dy.W^T. */
    const linearBackward = (x: Float64Array, dy: Float64Array, layer: string, dxOut: Float64Array, inDim: number, outDim: number) => {
      op.matmul(x, dy, inDim, outDim, BT, true, false, null, this.gradView(`${layer}_w`));
      op.colsum(dy, BT, outDim, this.gradView(`${layer}_b`));
      op.matmul(dy, this.view(`${layer}_w`), BT, inDim, outDim, false, true, null, dxOut);
    };
    for (let l = cfg.blocks - 1; l >= 0; l--) {
      const b = a.blocks[l];
      // ffn branch: resOut = resMid + drop(fc2)
      const dfc2 = new Float64Array(BT * C);
      op.dropoutBackward(dx, key(dropoutSite.ffn(l)), thr, dscale, dfc2);
      const dact = new Float64Array(BT * F);
      linearBackward(b.act, dfc2, `b${l}.fc2`, dact, F, C);
      const dfc1 = new Float64Array(BT * F);
      op.geluBackward(dact, b.fc1, dfc1);
      const dln2 = new Float64Array(BT * C);
      linearBackward(b.ln2, dfc1, `b${l}.fc1`, dln2, C, F);
      op.layernormBackward(dln2, b.resMid, b.mean2, b.rstd2, this.view(`b${l}.ln2`), BT, C, dx);
      op.layernormBackwardParams(dln2, b.resMid, b.mean2, b.rstd2, BT, C, this.gradView(`b${l}.ln2`));
      // attention branch: resMid = resIn + drop(proj)
      const dproj = new Float64Array(BT * C);
      op.dropoutBackward(dx, key(dropoutSite.attention(l)), thr, dscale, dproj);
      const datty = new Float64Array(BT * C);
      linearBackward(b.atty, dproj, `b${l}.proj`, datty, C, C);
      const dqkv = new Float64Array(BT * 3 * C);
      op.attentionBackward(datty, b.qkv, b.att, B, T, C, H, dqkv);
      const dln1 = new Float64Array(BT * C);
      linearBackward(b.ln1, dqkv, `b${l}.qkv`, dln1, C, 3 * C);
      op.layernormBackward(dln1, b.resIn, b.mean1, b.rstd1, this.view(`b${l}.ln1`), BT, C, dx);
      op.layernormBackwardParams(dln1, b.resIn, b.mean1, b.rstd1, BT, C, this.gradView(`b${l}.ln1`));
    }
    // embedding
    const demb = new Float64Array(BT * C);
    op.embedBackward(dx, ids, C, key(dropoutSite.embedding), thr, dscale, demb);
    op.colsum(demb, B, T * C, this.gradView('pos_emb'));
    if (cfg.features > 0) {
      op.matmul(a.prep.batch.features!, demb, cfg.features, C, BT, true, false, null, this.gradView('feat_w'));
      op.colsum(demb, BT, C, this.gradView('feat_b'));
    }
    op.segmentSum(a.prep.inputSegments, demb, null, C, dE, true);
    // item table = item_emb + content mean
    this.gradView('item_emb').set(dE);
    if (this.content) {
      op.segmentSum(this.content.backward, dE, this.content.invCount, C, this.gradView('content_emb'), true);
    }
  }

  /** forward + backward + step, like GpuEngine.trainStep; returns the loss. */
  trainStep(batch: Batch): number {
    const loss = this.forward(batch).loss;
    this.backward();
    this.step();
    return loss;
  }

  /** One AdamW step on the gradients from backward(). */
  step(): void {
    this.stepCount++;
    op.adamw(this.params, this.grads, this.m, this.v, this.stepCount, this.opt, this.layout.decayEnd);
  }

  /** Scores of every item (index = id; id 0 and the excluded ids = -inf) after the given history. */
  scoreAll(history: ArrayLike<number>, exclude?: ArrayLike<number>, features?: Float32Array): Float64Array {
    const h = this.encodeHistories([history], [features]);
    const E = this.composeItems();
    const out = new Float64Array(this.cfg.items + 1);
    let mask: Uint8Array | null = null;
    if (exclude) {
      mask = new Uint8Array(this.cfg.items + 1);
      for (let i = 0; i < exclude.length; i++) if (exclude[i] >= 0 && exclude[i] <= this.cfg.items) mask[exclude[i]] = 1;
    }
    op.scoreItems(h, E, this.cfg.items + 1, this.cfg.dim, mask, out);
    return out;
  }

  recommend(history: ArrayLike<number>, k: number, exclude?: ArrayLike<number>): number[] {
    return op.topK(this.scoreAll(history, exclude), k);
  }

  /** Attention weights of every layer for one history (dropout off): per layer (H, T, T), as the GPU engine's historyAttention. */
  historyAttention(history: ArrayLike<number>, features?: Float32Array): Float64Array[] {
    const { heads: H, maxlen: T } = this.cfg;
    const r = this.forward(historyBatch(this.cfg, [Array.from(history).slice(-T)], this.batchSize, [features]), { training: false });
    return r.attention.map((a) => a.slice(0, H * T * T));
  }

  /** The same versioned checkpoint blob as GpuEngine.save(), so either engine resumes the other's training. */
  save(): Uint8Array {
    return encodeCheckpoint({
      config: this.cfg,
      optimizer: this.opt,
      seed: this.seed,
      step: this.stepCount,
      params: Float32Array.from(this.params),
      m: Float32Array.from(this.m),
      v: Float32Array.from(this.v),
    });
  }

  load(blob: Uint8Array): void {
    const c = decodeCheckpoint(blob);
    if (!sameConfig(c.config, this.cfg))
      throw new Error(`checkpoint: its model config ${JSON.stringify(c.config)} differs from this model's ${JSON.stringify(this.cfg)}`);
    this.params.set(c.params);
    this.m.set(c.m);
    this.v.set(c.v);
    this.opt = { ...c.optimizer };
    this.stepCount = c.step;
    this.seed = c.seed;
    this.acts = null;
  }

  /** Final hidden state after each history, (n, C), dropout off; features[i] optional per history. */
  encodeHistories(histories: ArrayLike<number>[], features?: (Float32Array | undefined)[]): Float64Array {
    const cfg = this.cfg;
    const T = cfg.maxlen;
    const C = cfg.dim;
    const B = this.batchSize;
    const out = new Float64Array(histories.length * C);
    for (let s = 0; s < histories.length; s += B) {
      const n = Math.min(B, histories.length - s);
      this.forward(historyBatch(cfg, histories.slice(s, s + n), B, features?.slice(s, s + n)), { training: false });
      const hf = this.acts!.hf;
      for (let b = 0; b < n; b++) out.set(hf.subarray((b * T + T - 1) * C, (b * T + T) * C), (s + b) * C);
    }
    return out;
  }

  /** As GpuEngine.leaveOneOut: (L + 1, items + 1) scores after the history and after it without each window event (model/occlusion.ts). */
  leaveOneOut(history: ArrayLike<number>, features?: Float32Array): { window: number; cols: number; scores: Float64Array } {
    const { rows, feats } = withoutEach(history, features, this.cfg.maxlen, this.cfg.features);
    const cols = this.cfg.items + 1;
    const h = this.encodeHistories(rows, feats);
    const scores = new Float64Array(rows.length * cols);
    const E = this.composeItems();
    const C = this.cfg.dim;
    for (let r = 0; r < rows.length; r++) {
      for (let i = 0; i < cols; i++) {
        let s = 0;
        for (let c = 0; c < C; c++) s += h[r * C + c] * E[i * C + c];
        scores[r * cols + i] = s;
      }
    }
    return { window: rows.length - 1, cols, scores };
  }

  /** Rows of the per-position final hidden states of the last forward, for tests. */
  lastHidden(): Float64Array {
    if (!this.acts) throw new Error('no forward yet');
    return this.acts.hf;
  }
}
