/**
 * The knowledge-tracing model in float64 on the CPU: the test oracle of the
 * WGSL engine (model/ktEngine.ts), operation for operation.
 *
 *   q   = dropout(skill_emb[query] + qpos[t])          (BT, C), zero at padding
 *   kv  = dropout(inter_emb[interaction] + kvpos[t])   (BT, C), zero where there is none
 *   (with token parts, skill_emb and inter_emb are first composed from their
 *   parameter rows: model/ktTokenParts.ts)
 *   qkv = [q . q_w | kv . kv_w]                        (BT, 3C)
 *   a   = CausalAttention(qkv), keys masked where the interaction is 0
 *   n1  = LN1(q + dropout(a . proj_w + proj_b))
 *   n2  = LN2(n1 + dropout(fc2(GELU(fc1(n1)))))
 *   z   = n2 . out_w + out_b;  loss = mean BCE(sigmoid(z), label) over labelled positions
 */
import type { KtConfig, OptimizerConfig } from '../model/config';
import { DEFAULT_OPTIMIZER } from '../model/config';
import { initParameters } from '../model/init';
import { prepareKtBatch, type KtBatch } from '../model/ktBatch';
import { ktDropoutSite, ktParameterLayout } from '../model/ktParameters';
import { interactionTableParts, queryTableParts, type TableParts } from '../model/ktTokenParts';
import { tensor, type ParameterLayout } from '../model/parameters';
import { dropoutKey, dropoutThreshold } from '../model/random';
import { bceLogitsLoss } from './ktOps';
import * as op from './ops';

interface Acts {
  batch: KtBatch;
  nValid: number;
  training: boolean;
  q: Float64Array;
  kv: Float64Array;
  qkv: Float64Array;
  att: Float64Array;
  atty: Float64Array;
  proj: Float64Array;
  h1: Float64Array;
  n1: Float64Array;
  stats1: [Float64Array, Float64Array];
  fc1: Float64Array;
  act: Float64Array;
  fc2: Float64Array;
  h2: Float64Array;
  n2: Float64Array;
  stats2: [Float64Array, Float64Array];
  z: Float64Array;
  dz: Float64Array;
}

export class KtReferenceModel {
  readonly layout: ParameterLayout;
  readonly params: Float64Array;
  readonly grads: Float64Array;
  readonly m: Float64Array;
  readonly v: Float64Array;
  opt: OptimizerConfig;
  seed: number;
  stepCount = 0;
  private acts: Acts | null = null;
  /** With token parts: how skill_emb and inter_emb compose their tables. */
  private readonly tables: { skill_emb: TableParts; inter_emb: TableParts } | null;

  constructor(
    readonly cfg: KtConfig,
    readonly batchSize: number,
    opts: { seed?: number; optimizer?: Partial<OptimizerConfig>; params?: Float32Array } = {},
  ) {
    this.layout = ktParameterLayout(cfg);
    this.seed = opts.seed ?? 1;
    this.opt = { ...DEFAULT_OPTIMIZER, ...opts.optimizer };
    this.params = Float64Array.from(opts.params ?? initParameters(cfg, this.layout, this.seed));
    this.grads = new Float64Array(this.layout.total);
    this.m = new Float64Array(this.layout.total);
    this.v = new Float64Array(this.layout.total);
    this.tables = cfg.tokenParts ? { skill_emb: queryTableParts(cfg), inter_emb: interactionTableParts(cfg) } : null;
  }

  /** The embedding table of skill_emb or inter_emb: the parameter itself, or composed from its parts. */
  private table(name: 'skill_emb' | 'inter_emb'): Float64Array {
    if (!this.tables) return this.view(name);
    const t = this.tables[name];
    const out = new Float64Array(t.tableRows * this.cfg.dim);
    op.segmentSum(t.compose, this.view(name), null, this.cfg.dim, out, false);
    return out;
  }

  view(name: string): Float64Array {
    const t = tensor(this.layout, name);
    return this.params.subarray(t.offset, t.offset + t.size);
  }
  private gradView(name: string): Float64Array {
    const t = tensor(this.layout, name);
    return this.grads.subarray(t.offset, t.offset + t.size);
  }
  private dropout(training: boolean) {
    const p = this.cfg.dropout;
    return { thr: training ? dropoutThreshold(p) : 0, scale: 1 / (1 - p), key: (site: number) => dropoutKey(this.seed, this.stepCount, site) };
  }

  /** Mean loss over the labelled positions, and every position's logit (B*T). */
  forward(batch: KtBatch, options: { training?: boolean } = {}): { loss: number; logits: Float64Array } {
    const { cfg } = this;
    const training = options.training ?? true;
    const B = this.batchSize;
    const T = cfg.maxlen;
    const C = cfg.dim;
    const F = cfg.ffnDim;
    const BT = B * T;
    const { nValid } = prepareKtBatch(cfg, batch, B);
    const { thr, scale, key } = this.dropout(training);
    const w = (n: string) => this.view(n);
    const q = new Float64Array(BT * C);
    op.embedForward(batch.queries, this.table('skill_emb'), w('qpos_emb'), null, B, T, C, key(ktDropoutSite.query), thr, scale, q);
    const kv = new Float64Array(BT * C);
    op.embedForward(batch.interactions, this.table('inter_emb'), w('kvpos_emb'), null, B, T, C, key(ktDropoutSite.interaction), thr, scale, kv);
    const qkv = new Float64Array(BT * 3 * C);
    const qp = op.matmul(q, w('q_w'), BT, C, C, false, false, null, new Float64Array(BT * C));
    const kvp = op.matmul(kv, w('kv_w'), BT, 2 * C, C, false, false, null, new Float64Array(BT * 2 * C));
    for (let r = 0; r < BT; r++) {
      qkv.set(qp.subarray(r * C, (r + 1) * C), r * 3 * C);
      qkv.set(kvp.subarray(r * 2 * C, (r + 1) * 2 * C), r * 3 * C + C);
    }
    const att = new Float64Array(B * cfg.heads * T * T);
    const atty = new Float64Array(BT * C);
    op.attentionForward(qkv, batch.interactions, B, T, C, cfg.heads, atty, att);
    const proj = op.matmul(atty, w('proj_w'), BT, C, C, false, false, w('proj_b'), new Float64Array(BT * C));
    const h1 = new Float64Array(BT * C);
    op.residualDropoutForward(q, proj, key(ktDropoutSite.attention), thr, scale, h1);
    const n1 = new Float64Array(BT * C);
    const stats1: [Float64Array, Float64Array] = [new Float64Array(BT), new Float64Array(BT)];
    op.layernormForward(h1, w('ln1'), BT, C, n1, stats1[0], stats1[1]);
    const fc1 = op.matmul(n1, w('fc1_w'), BT, F, C, false, false, w('fc1_b'), new Float64Array(BT * F));
    const act = new Float64Array(BT * F);
    op.geluForward(fc1, act);
    const fc2 = op.matmul(act, w('fc2_w'), BT, C, F, false, false, w('fc2_b'), new Float64Array(BT * C));
    const h2 = new Float64Array(BT * C);
    op.residualDropoutForward(n1, fc2, key(ktDropoutSite.ffn), thr, scale, h2);
    const n2 = new Float64Array(BT * C);
    const stats2: [Float64Array, Float64Array] = [new Float64Array(BT), new Float64Array(BT)];
    op.layernormForward(h2, w('ln2'), BT, C, n2, stats2[0], stats2[1]);
    const z = op.matmul(n2, w('out_w'), BT, 1, C, false, false, w('out_b'), new Float64Array(BT));
    const losses = new Float64Array(BT);
    const dz = new Float64Array(BT);
    bceLogitsLoss(z, batch.labels, BT, nValid, losses, dz);
    this.acts = { batch, nValid, training, q, kv, qkv, att, atty, proj, h1, n1, stats1, fc1, act, fc2, h2, n2, stats2, z, dz };
    let sum = 0;
    for (let i = 0; i < BT; i++) sum += losses[i];
    return { loss: nValid > 0 ? sum / nValid : 0, logits: z };
  }

  /** Gradients of the last forward's loss into grads (overwritten). */
  backward(): void {
    const a = this.acts;
    if (!a) throw new Error('backward() needs a forward() first');
    const { cfg } = this;
    const B = this.batchSize;
    const T = cfg.maxlen;
    const C = cfg.dim;
    const F = cfg.ffnDim;
    const BT = B * T;
    const { thr, scale, key } = this.dropout(a.training);
    const w = (n: string) => this.view(n);
    const g = (n: string) => this.gradView(n);
    this.grads.fill(0);
    const linearBackward = (x: Float64Array, dy: Float64Array, layer: string, inDim: number, outDim: number, bias = true): Float64Array => {
      op.matmul(x, dy, inDim, outDim, BT, true, false, null, g(`${layer}_w`));
      if (bias) op.colsum(dy, BT, outDim, g(`${layer}_b`));
      return op.matmul(dy, w(`${layer}_w`), BT, inDim, outDim, false, true, null, new Float64Array(BT * inDim));
    };
    const dn2 = linearBackward(a.n2, a.dz, 'out', C, 1);
    const dh2 = new Float64Array(BT * C);
    op.layernormBackward(dn2, a.h2, a.stats2[0], a.stats2[1], w('ln2'), BT, C, dh2);
    op.layernormBackwardParams(dn2, a.h2, a.stats2[0], a.stats2[1], BT, C, g('ln2'));
    const dfc2 = new Float64Array(BT * C);
    op.dropoutBackward(dh2, key(ktDropoutSite.ffn), thr, scale, dfc2);
    const dact = linearBackward(a.act, dfc2, 'fc2', F, C);
    const dfc1 = new Float64Array(BT * F);
    op.geluBackward(dact, a.fc1, dfc1);
    const dn1 = linearBackward(a.n1, dfc1, 'fc1', C, F);
    for (let i = 0; i < BT * C; i++) dn1[i] += dh2[i];
    const dh1 = new Float64Array(BT * C);
    op.layernormBackward(dn1, a.h1, a.stats1[0], a.stats1[1], w('ln1'), BT, C, dh1);
    op.layernormBackwardParams(dn1, a.h1, a.stats1[0], a.stats1[1], BT, C, g('ln1'));
    const dproj = new Float64Array(BT * C);
    op.dropoutBackward(dh1, key(ktDropoutSite.attention), thr, scale, dproj);
    const datty = linearBackward(a.atty, dproj, 'proj', C, C);
    const dqkv = new Float64Array(BT * 3 * C);
    op.attentionBackward(datty, a.qkv, a.att, B, T, C, cfg.heads, dqkv);
    const dQ = new Float64Array(BT * C);
    const dKV = new Float64Array(BT * 2 * C);
    for (let r = 0; r < BT; r++) {
      dQ.set(dqkv.subarray(r * 3 * C, r * 3 * C + C), r * C);
      dKV.set(dqkv.subarray(r * 3 * C + C, (r + 1) * 3 * C), r * 2 * C);
    }
    const dq = linearBackward(a.q, dQ, 'q', C, C, false);
    for (let i = 0; i < BT * C; i++) dq[i] += dh1[i];
    const dkv = linearBackward(a.kv, dKV, 'kv', C, 2 * C, false);
    const prep = prepareKtBatch(cfg, a.batch, B);
    const embBack = (dout: Float64Array, ids: Int32Array, site: number, pos: string, table: 'skill_emb' | 'inter_emb', seg: typeof prep.querySegments) => {
      const demb = new Float64Array(BT * C);
      op.embedBackward(dout, ids, C, key(site), thr, scale, demb);
      op.colsum(demb, B, T * C, g(pos));
      if (!this.tables) return op.segmentSum(seg, demb, null, C, g(table), false);
      const parts = this.tables[table];
      const dtable = new Float64Array(parts.tableRows * C);
      op.segmentSum(seg, demb, null, C, dtable, false);
      op.segmentSum(parts.decompose, dtable, null, C, g(table), false);
    };
    embBack(dq, a.batch.queries, ktDropoutSite.query, 'qpos_emb', 'skill_emb', prep.querySegments);
    embBack(dkv, a.batch.interactions, ktDropoutSite.interaction, 'kvpos_emb', 'inter_emb', prep.interactionSegments);
  }

  /** One AdamW step with the current gradients. */
  step(): void {
    this.stepCount++;
    op.adamw(this.params, this.grads, this.m, this.v, this.stepCount, this.opt, this.layout.decayEnd);
  }
}
