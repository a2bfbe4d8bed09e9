/**
 * Float64 reference implementations of every operation the WGSL engine runs.
 * Each function mirrors one shader entry point (same argument order, same
 * layout), so a kernel test is: random inputs -> shader and reference -> compare.
 * Shapes are written as (rows, cols), row-major.
 */
import { dropoutKeep } from '../model/random';
import { NO_SCALE, type SegmentList } from '../kernels/segments';

export type Vec = Float64Array;
type Arr = ArrayLike<number>;

/** C(M,N) (+)= op(A)(M,K) . op(B)(K,N) (+ bias). A is (K,M) when transA, B is (N,K) when transB. */
export function matmul(a: Arr, b: Arr, M: number, N: number, K: number, transA: boolean, transB: boolean, bias: Arr | null, out: Vec, accumulate = false): Vec {
  const row = new Float64Array(N);
  for (let m = 0; m < M; m++) {
    row.fill(0);
    for (let k = 0; k < K; k++) {
      const av = transA ? a[k * M + m] : a[m * K + k];
      if (av === 0) continue;
      if (transB) {
        for (let n = 0; n < N; n++) row[n] += av * b[n * K + k];
      } else {
        const base = k * N;
        for (let n = 0; n < N; n++) row[n] += av * b[base + n];
      }
    }
    const o = m * N;
    for (let n = 0; n < N; n++) {
      const v = row[n] + (bias ? bias[n] : 0);
      out[o + n] = accumulate ? out[o + n] + v : v;
    }
  }
  return out;
}

/** out[n] (+)= sum over rows of x(M,N)[., n]. */
export function colsum(x: Arr, M: number, N: number, out: Vec, accumulate = false): Vec {
  const s = new Float64Array(N);
  for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) s[n] += x[m * N + n];
  for (let n = 0; n < N; n++) out[n] = accumulate ? out[n] + s[n] : s[n];
  return out;
}

const LN_EPS = 1e-5;

/** LayerNorm over rows of x (R, C); ln = [gamma(C); beta(C)]. */
export function layernormForward(x: Arr, ln: Arr, R: number, C: number, out: Vec, mean: Vec, rstd: Vec): void {
  for (let r = 0; r < R; r++) {
    let mu = 0;
    for (let c = 0; c < C; c++) mu += x[r * C + c];
    mu /= C;
    let v = 0;
    for (let c = 0; c < C; c++) {
      const d = x[r * C + c] - mu;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / C + LN_EPS);
    mean[r] = mu;
    rstd[r] = rs;
    for (let c = 0; c < C; c++) out[r * C + c] = (x[r * C + c] - mu) * rs * ln[c] + ln[C + c];
  }
}

/** dx += LayerNorm'(dout). */
export function layernormBackward(dout: Arr, x: Arr, mean: Arr, rstd: Arr, ln: Arr, R: number, C: number, dx: Vec): void {
  for (let r = 0; r < R; r++) {
    let s1 = 0;
    let s2 = 0;
    for (let c = 0; c < C; c++) {
      const xh = (x[r * C + c] - mean[r]) * rstd[r];
      const dxh = dout[r * C + c] * ln[c];
      s1 += dxh;
      s2 += dxh * xh;
    }
    s1 /= C;
    s2 /= C;
    for (let c = 0; c < C; c++) {
      const xh = (x[r * C + c] - mean[r]) * rstd[r];
      const dxh = dout[r * C + c] * ln[c];
      dx[r * C + c] += rstd[r] * (dxh - s1 - xh * s2);
    }
  }
}

/** dln = [sum dout*xhat ; sum dout] over rows (written, not accumulated). */
export function layernormBackwardParams(dout: Arr, x: Arr, mean: Arr, rstd: Arr, R: number, C: number, dln: Vec): void {
  dln.fill(0, 0, 2 * C);
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      const xh = (x[r * C + c] - mean[r]) * rstd[r];
      dln[c] += dout[r * C + c] * xh;
      dln[C + c] += dout[r * C + c];
    }
  }
}

const GELU_K = Math.sqrt(2 / Math.PI);
/** tanh with the argument clamped to [-15, 15], exactly as the shader computes it. */
function tanhClamped(u: number): number {
  const z = Math.min(15, Math.max(-15, u));
  const e = Math.exp(2 * z);
  return (e - 1) / (e + 1);
}
function gelu(x: number): number {
  return 0.5 * x * (1 + tanhClamped(GELU_K * (x + 0.044715 * x * x * x)));
}
function geluGrad(x: number): number {
  const u = GELU_K * (x + 0.044715 * x * x * x);
  const t = tanhClamped(u);
  const du = Math.abs(u) < 15 ? GELU_K * (1 + 3 * 0.044715 * x * x) : 0;
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du;
}
export function geluForward(x: Arr, out: Vec): void {
  for (let i = 0; i < x.length; i++) out[i] = gelu(x[i]);
}
/** dx = dout * gelu'(x). */
export function geluBackward(dout: Arr, x: Arr, dx: Vec): void {
  for (let i = 0; i < x.length; i++) dx[i] = dout[i] * geluGrad(x[i]);
}

/** out = x + dropout(y): the kept elements scaled by 1/(1-p). threshold from dropoutThreshold(p). */
export function residualDropoutForward(x: Arr, y: Arr, key: number, threshold: number, scale: number, out: Vec): void {
  for (let i = 0; i < x.length; i++) out[i] = x[i] + (threshold > 0 && !dropoutKeep(key, i, threshold) ? 0 : y[i] * (threshold > 0 ? scale : 1));
}
/** dy = dropout'(dout) (the residual branch passes dout through unchanged). */
export function dropoutBackward(dout: Arr, key: number, threshold: number, scale: number, dy: Vec): void {
  for (let i = 0; i < dout.length; i++) dy[i] = threshold > 0 ? (dropoutKeep(key, i, threshold) ? dout[i] * scale : 0) : dout[i];
}

/**
 * Token embedding (B*T, C): for a real item, E[id] + pos[t] (+ featProj), then dropout;
 * zero at padding. E is the composed item table (items+1, C).
 */
export function embedForward(
  ids: Arr,
  E: Arr,
  pos: Arr,
  featProj: Arr | null,
  B: number,
  T: number,
  C: number,
  key: number,
  threshold: number,
  scale: number,
  out: Vec,
): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const r = b * T + t;
      const id = ids[r];
      for (let c = 0; c < C; c++) {
        const i = r * C + c;
        if (id === 0) {
          out[i] = 0;
          continue;
        }
        let v = E[id * C + c] + pos[t * C + c] + (featProj ? featProj[i] : 0);
        if (threshold > 0) v = dropoutKeep(key, i, threshold) ? v * scale : 0;
        out[i] = v;
      }
    }
  }
}
/** demb = dropout'(dout), zero at padding. */
export function embedBackward(dout: Arr, ids: Arr, C: number, key: number, threshold: number, scale: number, demb: Vec): void {
  const R = ids.length;
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      const i = r * C + c;
      demb[i] = ids[r] === 0 ? 0 : threshold > 0 ? (dropoutKeep(key, i, threshold) ? dout[i] * scale : 0) : dout[i];
    }
  }
}

/** dst[rows[u]] (+)= sum_e scale(e) * src[entrySrc[e]] : the gather/scatter-add used for embeddings. */
export function segmentSum(seg: SegmentList, src: Arr, scales: Arr | null, C: number, dst: Vec, accumulate: boolean): void {
  for (let u = 0; u < seg.rows.length; u++) {
    const acc = new Float64Array(C);
    for (let e = seg.offsets[u]; e < seg.offsets[u + 1]; e++) {
      const s = seg.entryScale[e] === NO_SCALE ? 1 : scales![seg.entryScale[e]];
      const base = seg.entrySrc[e] * C;
      for (let c = 0; c < C; c++) acc[c] += s * src[base + c];
    }
    const d = seg.rows[u] * C;
    for (let c = 0; c < C; c++) dst[d + c] = accumulate ? dst[d + c] + acc[c] : acc[c];
  }
}

/**
 * Causal multi-head attention. qkv (B*T, 3C) holds [q | k | v] per row, head h
 * at channels h*hs..(h+1)*hs. Key j is visible to query i iff j <= i and ids[b,j] != 0.
 * att (B, H, T, T) gets the softmax weights (0 where masked); out (B*T, C).
 */
export function attentionForward(qkv: Arr, ids: Arr, B: number, T: number, C: number, H: number, out: Vec, att: Vec): void {
  const hs = C / H;
  const scale = 1 / Math.sqrt(hs);
  const s = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        const qo = (b * T + i) * 3 * C + h * hs;
        const ao = ((b * H + h) * T + i) * T;
        let mx = -Infinity;
        for (let j = 0; j <= i; j++) {
          if (ids[b * T + j] === 0) continue;
          const ko = (b * T + j) * 3 * C + C + h * hs;
          let d = 0;
          for (let c = 0; c < hs; c++) d += qkv[qo + c] * qkv[ko + c];
          s[j] = d * scale;
          if (s[j] > mx) mx = s[j];
        }
        let sum = 0;
        for (let j = 0; j < T; j++) {
          const visible = j <= i && ids[b * T + j] !== 0;
          const p = visible ? Math.exp(s[j] - mx) : 0;
          att[ao + j] = p;
          sum += p;
        }
        const oo = (b * T + i) * C + h * hs;
        for (let c = 0; c < hs; c++) out[oo + c] = 0;
        if (sum === 0) continue;
        for (let j = 0; j <= i; j++) {
          const p = (att[ao + j] /= sum);
          if (p === 0) continue;
          const vo = (b * T + j) * 3 * C + 2 * C + h * hs;
          for (let c = 0; c < hs; c++) out[oo + c] += p * qkv[vo + c];
        }
      }
    }
  }
}

/** dqkv (written) from dout (B*T, C). */
export function attentionBackward(dout: Arr, qkv: Arr, att: Arr, B: number, T: number, C: number, H: number, dqkv: Vec): void {
  const hs = C / H;
  const scale = 1 / Math.sqrt(hs);
  dqkv.fill(0);
  const dp = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        const ao = ((b * H + h) * T + i) * T;
        const doo = (b * T + i) * C + h * hs;
        let dot = 0;
        for (let j = 0; j <= i; j++) {
          const vo = (b * T + j) * 3 * C + 2 * C + h * hs;
          let d = 0;
          for (let c = 0; c < hs; c++) d += dout[doo + c] * qkv[vo + c];
          dp[j] = d;
          dot += att[ao + j] * d;
        }
        const qo = (b * T + i) * 3 * C + h * hs;
        for (let j = 0; j <= i; j++) {
          const p = att[ao + j];
          if (p === 0) continue;
          const ds = p * (dp[j] - dot) * scale;
          const ko = (b * T + j) * 3 * C + C + h * hs;
          const vo = ko + C;
          for (let c = 0; c < hs; c++) {
            dqkv[qo + c] += ds * qkv[ko + c];
            dqkv[ko + c] += ds * qkv[qo + c];
            dqkv[vo + c] += p * dout[doo + c];
          }
        }
      }
    }
  }
}

export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * BCE with one negative per position. h (R, C) final hidden states, E (items+1, C).
 * Writes per-position loss, dlogits [pos(R); neg(R)] and dh, all already divided by nValid.
 */
export function bceLoss(h: Arr, E: Arr, targets: Arr, negatives: Arr, R: number, C: number, nValid: number, losses: Vec, dlogits: Vec, dh: Vec): void {
  const inv = nValid > 0 ? 1 / nValid : 0;
  for (let r = 0; r < R; r++) {
    const t = targets[r];
    if (t === 0) {
      losses[r] = 0;
      dlogits[r] = 0;
      dlogits[R + r] = 0;
      for (let c = 0; c < C; c++) dh[r * C + c] = 0;
      continue;
    }
    const n = negatives[r];
    let lp = 0;
    let ln = 0;
    for (let c = 0; c < C; c++) {
      lp += h[r * C + c] * E[t * C + c];
      ln += h[r * C + c] * E[n * C + c];
    }
    losses[r] = softplus(-lp) + softplus(ln);
    const gp = (sigmoid(lp) - 1) * inv;
    const gn = sigmoid(ln) * inv;
    dlogits[r] = gp;
    dlogits[R + r] = gn;
    for (let c = 0; c < C; c++) dh[r * C + c] = gp * E[t * C + c] + gn * E[n * C + c];
  }
}

/** Softmax cross-entropy over M candidates: logits (R, M) are replaced by dlogits / nValid. */
export function softmaxCrossEntropy(logits: Vec, targetIndex: Arr, R: number, M: number, nValid: number, losses: Vec): void {
  const inv = nValid > 0 ? 1 / nValid : 0;
  for (let r = 0; r < R; r++) {
    const o = r * M;
    const t = targetIndex[r];
    if (t < 0) {
      losses[r] = 0;
      for (let j = 0; j < M; j++) logits[o + j] = 0;
      continue;
    }
    let mx = -Infinity;
    for (let j = 0; j < M; j++) if (logits[o + j] > mx) mx = logits[o + j];
    let sum = 0;
    for (let j = 0; j < M; j++) sum += Math.exp(logits[o + j] - mx);
    const lse = mx + Math.log(sum);
    losses[r] = lse - logits[o + t];
    for (let j = 0; j < M; j++) logits[o + j] = (Math.exp(logits[o + j] - lse) - (j === t ? 1 : 0)) * inv;
  }
}

export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

/** One AdamW step (t counts from 1) over a flat buffer; decay applies to indices < decayEnd. */
export function adamw(p: Vec, g: Arr, m: Vec, v: Vec, t: number, h: AdamWHyper, decayEnd: number): void {
  const bc1 = 1 - Math.pow(h.beta1, t);
  const bc2 = 1 - Math.pow(h.beta2, t);
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    m[i] = h.beta1 * m[i] + (1 - h.beta1) * gi;
    v[i] = h.beta2 * v[i] + (1 - h.beta2) * gi * gi;
    const mh = m[i] / bc1;
    const vh = v[i] / bc2;
    const wd = i < decayEnd ? h.weightDecay : 0;
    p[i] -= h.lr * (mh / (Math.sqrt(vh) + h.eps) + wd * p[i]);
  }
}

/** scores[i] = h . E[i] (row 0, the padding id, and masked rows get -inf). */
export function scoreItems(h: Arr, E: Arr, rows: number, C: number, exclude: ArrayLike<number> | null, out: Vec): void {
  for (let i = 0; i < rows; i++) {
    if (i === 0 || (exclude && exclude[i])) {
      out[i] = -Infinity;
      continue;
    }
    let s = 0;
    for (let c = 0; c < C; c++) s += h[c] * E[i * C + c];
    out[i] = s;
  }
}

/** Indices of the k largest scores, ties broken by the lower index. */
export function topK(scores: ArrayLike<number>, k: number): number[] {
  const idx = Array.from({ length: scores.length }, (_, i) => i).filter((i) => scores[i] > -Infinity);
  idx.sort((a, b) => scores[b] - scores[a] || a - b);
  return idx.slice(0, k);
}
