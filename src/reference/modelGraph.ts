/**
 * The float64 reference model's graph: the forward pass keeping every
 * activation, and the backward pass from them into the flat gradients. The
 * model (model.ts) owns the parameters and calls these.
 * Shapes: B rows of T positions, C = dim, F = ffnDim, H = heads, BT = B * T.
 */
import type { ModelConfig } from '../model/config';
import { prepareBatch, type Batch, type PreparedBatch } from '../model/batch';
import type { SegmentList } from '../kernels/segments';
import { dropoutKey, dropoutThreshold } from '../model/random';
import { dropoutSite } from '../model/dropout';
import * as op from './ops';

/** What the graph reads from the model. */
export interface ReferenceSource {
  readonly cfg: ModelConfig;
  readonly batchSize: number;
  readonly seed: number;
  readonly stepCount: number;
  /** (total) flat gradients, overwritten by backwardActs. */
  readonly grads: Float64Array;
  /** Content-token segments, when the model has content. */
  readonly content: { forward: SegmentList; backward: SegmentList; invCount: Float32Array } | null;
  view(name: string): Float64Array;
  gradView(name: string): Float64Array;
  composeItems(): Float64Array;
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

export interface Acts {
  loss: number;
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

export function forwardActs(m: ReferenceSource, batch: Batch, training: boolean): Acts {
  const cfg = m.cfg;
  const B = m.batchSize;
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
  const key = (site: number) => dropoutKey(m.seed, m.stepCount, site);

  const E = m.composeItems();
  let featProj: Float64Array | null = null;
  if (cfg.features > 0) {
    featProj = new Float64Array(BT * C);
    op.matmul(batch.features!, m.view('feat_w'), BT, C, cfg.features, false, false, m.view('feat_b'), featProj);
  }
  const emb = new Float64Array(BT * C);
  op.embedForward(ids, E, m.view('pos_emb'), featProj, B, T, C, key(dropoutSite.embedding), thr, dscale, emb);

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
    op.layernormForward(x, m.view(`b${l}.ln1`), BT, C, a.ln1, a.mean1, a.rstd1);
    op.matmul(a.ln1, m.view(`b${l}.qkv_w`), BT, 3 * C, C, false, false, m.view(`b${l}.qkv_b`), a.qkv);
    op.attentionForward(a.qkv, ids, B, T, C, H, a.atty, a.att);
    op.matmul(a.atty, m.view(`b${l}.proj_w`), BT, C, C, false, false, m.view(`b${l}.proj_b`), a.proj);
    op.residualDropoutForward(x, a.proj, key(dropoutSite.attention(l)), thr, dscale, a.resMid);
    op.layernormForward(a.resMid, m.view(`b${l}.ln2`), BT, C, a.ln2, a.mean2, a.rstd2);
    op.matmul(a.ln2, m.view(`b${l}.fc1_w`), BT, F, C, false, false, m.view(`b${l}.fc1_b`), a.fc1);
    op.geluForward(a.fc1, a.act);
    op.matmul(a.act, m.view(`b${l}.fc2_w`), BT, C, F, false, false, m.view(`b${l}.fc2_b`), a.fc2);
    const out = new Float64Array(BT * C);
    op.residualDropoutForward(a.resMid, a.fc2, key(dropoutSite.ffn(l)), thr, dscale, out);
    blocks.push(a);
    x = out;
  }
  const hf = new Float64Array(BT * C);
  const meanf = new Float64Array(BT);
  const rstdf = new Float64Array(BT);
  op.layernormForward(x, m.view('ln_f'), BT, C, hf, meanf, rstdf);

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
  return { loss, prep, training, dropStep: m.stepCount, E, featProj, emb, blocks, resOut: x, hf, meanf, rstdf, losses, dlogits, dhf, ecand };
}

/** Gradients of the last forward's loss into `grads` (overwritten). */
export function backwardActs(m: ReferenceSource, a: Acts): void {
  const cfg = m.cfg;
  const B = m.batchSize;
  const T = cfg.maxlen;
  const C = cfg.dim;
  const H = cfg.heads;
  const F = cfg.ffnDim;
  const BT = B * T;
  const ids = a.prep.batch.inputs;
  const p = cfg.dropout;
  const thr = a.training ? dropoutThreshold(p) : 0;
  const dscale = 1 / (1 - p);
  const key = (site: number) => dropoutKey(m.seed, a.dropStep, site);
  m.grads.fill(0);
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
  op.layernormBackward(a.dhf, a.resOut, a.meanf, a.rstdf, m.view('ln_f'), BT, C, dx);
  op.layernormBackwardParams(a.dhf, a.resOut, a.meanf, a.rstdf, BT, C, m.gradView('ln_f'));

  /** Backward of y = x.W + b with x (BT, inDim): dW = x^T.dy, db = sum dy, dx = dy.W^T. */
  const linearBackward = (x: Float64Array, dy: Float64Array, layer: string, dxOut: Float64Array, inDim: number, outDim: number) => {
    op.matmul(x, dy, inDim, outDim, BT, true, false, null, m.gradView(`${layer}_w`));
    op.colsum(dy, BT, outDim, m.gradView(`${layer}_b`));
    op.matmul(dy, m.view(`${layer}_w`), BT, inDim, outDim, false, true, null, dxOut);
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
    op.layernormBackward(dln2, b.resMid, b.mean2, b.rstd2, m.view(`b${l}.ln2`), BT, C, dx);
    op.layernormBackwardParams(dln2, b.resMid, b.mean2, b.rstd2, BT, C, m.gradView(`b${l}.ln2`));
    // attention branch: resMid = resIn + drop(proj)
    const dproj = new Float64Array(BT * C);
    op.dropoutBackward(dx, key(dropoutSite.attention(l)), thr, dscale, dproj);
    const datty = new Float64Array(BT * C);
    linearBackward(b.atty, dproj, `b${l}.proj`, datty, C, C);
    const dqkv = new Float64Array(BT * 3 * C);
    op.attentionBackward(datty, b.qkv, b.att, B, T, C, H, dqkv);
    const dln1 = new Float64Array(BT * C);
    linearBackward(b.ln1, dqkv, `b${l}.qkv`, dln1, C, 3 * C);
    op.layernormBackward(dln1, b.resIn, b.mean1, b.rstd1, m.view(`b${l}.ln1`), BT, C, dx);
    op.layernormBackwardParams(dln1, b.resIn, b.mean1, b.rstd1, BT, C, m.gradView(`b${l}.ln1`));
  }
  // embedding
  const demb = new Float64Array(BT * C);
  op.embedBackward(dx, ids, C, key(dropoutSite.embedding), thr, dscale, demb);
  op.colsum(demb, B, T * C, m.gradView('pos_emb'));
  if (cfg.features > 0) {
    op.matmul(a.prep.batch.features!, demb, cfg.features, C, BT, true, false, null, m.gradView('feat_w'));
    op.colsum(demb, BT, C, m.gradView('feat_b'));
  }
  op.segmentSum(a.prep.inputSegments, demb, null, C, dE, true);
  // item table = item_emb + content mean
  m.gradView('item_emb').set(dE);
  if (m.content) {
    op.segmentSum(m.content.backward, dE, m.content.invCount, C, m.gradView('content_emb'), true);
  }
}
