/**
 * The same model as src/model (no content tokens or features), written with
 * TensorFlow.js ops, for the speed benchmark's race. Weights come from our
 * flat parameter layout, so both start from identical values. Dropout is not
 * modelled: the race runs with dropout 0, and the first-step losses must agree.
 */
import * as tf from '@tensorflow/tfjs-core';
// Method-style ops (x.add(y)) and their types.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import type { ModelConfig } from '../src/model/config';
import { parameterLayout } from '../src/model/parameters';
import type { Batch } from '../src/model/batch';

const GELU_K = Math.sqrt(2 / Math.PI);

let instances = 0;

export class TfSasrec {
  readonly vars = new Map<string, tf.Variable>();
  readonly optimizer: tf.Optimizer;
  /** (T, T) additive causal mask, 0 visible / -1e9 hidden. */
  private readonly causal: tf.Tensor;

  constructor(
    readonly cfg: ModelConfig,
    params: Float32Array,
    lr: number,
  ) {
    if (cfg.contentBuckets > 0 || cfg.features > 0) throw new Error('the TF.js model covers item ids only');
    const prefix = `m${instances++}_`; // variable names are global in TF.js
    for (const t of parameterLayout(cfg).tensors) {
      this.vars.set(t.name, tf.variable(tf.tensor(params.slice(t.offset, t.offset + t.size), t.shape), true, prefix + t.name.replace(/\./g, '_')));
    }
    this.optimizer = tf.train.adam(lr, 0.9, 0.98, 1e-8);
    const T = cfg.maxlen;
    const m = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) m[i * T + j] = j <= i ? 0 : -1e9;
    this.causal = tf.tensor(m, [1, 1, T, T]);
  }

  private v(name: string): tf.Variable {
    const t = this.vars.get(name);
    if (!t) throw new Error(`no variable ${name}`);
    return t;
  }

  private layerNorm(x: tf.Tensor2D, name: string): tf.Tensor2D {
    const C = this.cfg.dim;
    const ln = this.v(name);
    const gamma = ln.slice([0, 0], [1, C]);
    const beta = ln.slice([1, 0], [1, C]);
    const { mean, variance } = tf.moments(x, -1, true);
    return x
      .sub(mean)
      .mul(tf.rsqrt(variance.add(1e-5)))
      .mul(gamma)
      .add(beta) as tf.Tensor2D;
  }

  private linear(x: tf.Tensor2D, w: string, b: string): tf.Tensor2D {
    return tf.matMul(x, this.v(w)).add(this.v(b));
  }

  /** Final hidden states (B*T, C) for ids (B, T). */
  hidden(ids: tf.Tensor2D): tf.Tensor2D {
    const { cfg } = this;
    const [B, T] = ids.shape;
    const C = cfg.dim;
    const H = cfg.heads;
    const hs = C / H;
    const flat = ids.reshape([B * T]);
    const valid = flat
      .greater(0)
      .cast('float32')
      .reshape([B * T, 1]);
    const keyMask = ids.greater(0).cast('float32').sub(1).mul(1e9).reshape([B, 1, 1, T]);
    const mask = this.causal.add(keyMask);
    const pos = this.v('pos_emb').slice([this.cfg.maxlen - T, 0], [T, C]);
    let x = tf
      .gather(this.v('item_emb'), flat)
      .add(tf.tile(pos, [B, 1]))
      .mul(valid) as tf.Tensor2D;
    const heads = (t: tf.Tensor2D) => t.reshape([B, T, H, hs]).transpose([0, 2, 1, 3]);
    for (let l = 0; l < cfg.blocks; l++) {
      const p = `b${l}.`;
      const qkv = this.linear(this.layerNorm(x, `${p}ln1`), `${p}qkv_w`, `${p}qkv_b`);
      const q = heads(qkv.slice([0, 0], [B * T, C]));
      const k = heads(qkv.slice([0, C], [B * T, C]));
      const v = heads(qkv.slice([0, 2 * C], [B * T, C]));
      const scores = tf
        .matMul(q, k, false, true)
        .mul(1 / Math.sqrt(hs))
        .add(mask);
      const att = tf
        .matMul(tf.softmax(scores), v)
        .transpose([0, 2, 1, 3])
        .reshape([B * T, C]) as tf.Tensor2D;
      x = x.add(this.linear(att, `${p}proj_w`, `${p}proj_b`));
      const h = this.linear(this.layerNorm(x, `${p}ln2`), `${p}fc1_w`, `${p}fc1_b`);
      const g = h.mul(0.5).mul(tf.tanh(h.add(h.pow(3).mul(0.044715)).mul(GELU_K)).add(1)) as tf.Tensor2D;
      x = x.add(this.linear(g, `${p}fc2_w`, `${p}fc2_b`));
    }
    return this.layerNorm(x, 'ln_f');
  }

  /** BCE with one negative per position, mean over positions with a target. */
  loss(batch: Batch): tf.Scalar {
    const B = batch.inputs.length / this.cfg.maxlen;
    const T = this.cfg.maxlen;
    const hf = this.hidden(tf.tensor2d(batch.inputs, [B, T], 'int32'));
    const E = this.v('item_emb');
    const tgt = tf.tensor1d(batch.targets, 'int32');
    const w = tgt.greater(0).cast('float32');
    const lp = tf.sum(hf.mul(tf.gather(E, tgt)), 1);
    const ln = tf.sum(hf.mul(tf.gather(E, tf.tensor1d(batch.negatives!, 'int32'))), 1);
    const per = tf.softplus(lp.neg()).add(tf.softplus(ln));
    return tf.sum(per.mul(w)).div(tf.maximum(tf.sum(w), 1)) as tf.Scalar;
  }

  /** One Adam step; resolves to the loss (read back, so the GPU has finished). */
  async trainStep(batch: Batch): Promise<number> {
    const l = this.optimizer.minimize(() => this.loss(batch), true, [...this.vars.values()])!;
    const v = (await l.data())[0];
    l.dispose();
    return v;
  }

  async lossOnly(batch: Batch): Promise<number> {
    const l = tf.tidy(() => this.loss(batch));
    const v = (await l.data())[0];
    l.dispose();
    return v;
  }

  /** Top-k items after one history (newest maxlen events), scored against every item. */
  async recommend(history: number[], k: number): Promise<number[]> {
    const T = this.cfg.maxlen;
    const ids = new Int32Array(T);
    const h = history.slice(-T);
    ids.set(h, T - h.length);
    const top = tf.tidy(() => {
      const hf = this.hidden(tf.tensor2d(ids, [1, T], 'int32'));
      const last = hf.slice([T - 1, 0], [1, this.cfg.dim]);
      const scores = tf.matMul(last, this.v('item_emb'), false, true).reshape([this.cfg.items + 1]);
      const masked = scores.add(tf.oneHot(tf.scalar(0, 'int32'), this.cfg.items + 1).mul(-1e9));
      return tf.topk(masked, k).indices;
    });
    const out = Array.from(await top.data());
    top.dispose();
    return out;
  }
}
