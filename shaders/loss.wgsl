// Losses with their gradients (each pass writes the loss per position and the
// gradient with respect to its logits, already divided by the number of
// positions that carry a loss).
//   bce_loss:         one positive and one sampled negative per position (SASRec):
//                     loss = softplus(-h.E[pos]) + softplus(h.E[neg]);
//                     writes dlogits [pos (R) ; neg (R)] and dh = dpos*E[pos] + dneg*E[neg]
//   softmax_ce_loss:  cross-entropy over M candidate logits per row (all items or a
//                     sampled set); replaces logits by (softmax - onehot) / nValid.
//   bce_logits_loss:  one logit z per position and a label y in {0, 1}, or -1 for no loss
//                     (knowledge tracing): loss = softplus(z) - y*z;
//                     dz = (sigmoid(z) - y) / nValid, 0 where there is no label.

struct BceDims {
  R: u32,
  C: u32,
  inv_valid: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> bdims: BceDims;
@group(0) @binding(1) var<storage, read> h: array<f32>;
@group(0) @binding(2) var<storage, read> E: array<f32>;
@group(0) @binding(3) var<storage, read> targets: array<i32>;
@group(0) @binding(4) var<storage, read> negatives: array<i32>;
@group(0) @binding(5) var<storage, read_write> losses: array<f32>;
@group(0) @binding(6) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(7) var<storage, read_write> dh: array<f32>;

// log(1 + u) for u in [0, 1], accurate for small u where 1 + u rounds away most of u (WGSL has
// no log1p): below 0.1 a Taylor series to u^6 (relative error under 2e-7), above it log(1 + u).
fn log1p_unit(u: f32) -> f32 {
  if (u < 0.1) {
    return u * (1.0 - u * (0.5 - u * (1.0 / 3.0 - u * (0.25 - u * (0.2 - u / 6.0)))));
  }
  return log(1.0 + u);
}
fn softplus(x: f32) -> f32 {
  return max(x, 0.0) + log1p_unit(exp(-abs(x)));
}
fn sigmoid(x: f32) -> f32 {
  if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); }
  let e = exp(x);
  return e / (1.0 + e);
}

@compute @workgroup_size(64)
fn bce_loss(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  let R = bdims.R;
  let C = bdims.C;
  if (r >= R) { return; }
  let t = targets[r];
  if (t <= 0) {
    losses[r] = 0.0;
    dlogits[r] = 0.0;
    dlogits[R + r] = 0.0;
    for (var c = 0u; c < C; c++) { dh[r * C + c] = 0.0; }
    return;
  }
  let po = u32(t) * C;
  let no = u32(negatives[r]) * C;
  var lp = 0.0;
  var ln = 0.0;
  for (var c = 0u; c < C; c++) {
    let x = h[r * C + c];
    lp = fma(x, E[po + c], lp);
    ln = fma(x, E[no + c], ln);
  }
  losses[r] = softplus(-lp) + softplus(ln);
  let gp = (sigmoid(lp) - 1.0) * bdims.inv_valid;
  let gn = sigmoid(ln) * bdims.inv_valid;
  dlogits[r] = gp;
  dlogits[R + r] = gn;
  for (var c = 0u; c < C; c++) { dh[r * C + c] = gp * E[po + c] + gn * E[no + c]; }
}

struct CeDims {
  R: u32,
  M: u32,
  inv_valid: f32,
  _pad: u32,
}

@group(0) @binding(8) var<uniform> cdims: CeDims;
@group(0) @binding(9) var<storage, read_write> logits: array<f32>;
@group(0) @binding(10) var<storage, read> target_index: array<i32>;
@group(0) @binding(11) var<storage, read_write> ce_losses: array<f32>;

var<workgroup> red: array<f32, 256>;

// One workgroup per row: max, then sum of exponentials, both tree-reduced.
@compute @workgroup_size(256)
fn softmax_ce_loss(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = wg.y * nwg.x + wg.x;
  if (r >= cdims.R) { return; } // uniform per workgroup
  let M = cdims.M;
  let o = r * M;
  let t = target_index[r];
  if (t < 0) {
    for (var j = lid; j < M; j += 256u) { logits[o + j] = 0.0; }
    if (lid == 0u) { ce_losses[r] = 0.0; }
    return;
  }
  var mx = -3.402823e38;
  for (var j = lid; j < M; j += 256u) { mx = max(mx, logits[o + j]); }
  red[lid] = mx;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  mx = red[0];
  workgroupBarrier();
  var sum = 0.0;
  for (var j = lid; j < M; j += 256u) { sum += exp(logits[o + j] - mx); }
  red[lid] = sum;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  let lse = mx + log(red[0]);
  let tl = logits[o + u32(t)];
  workgroupBarrier();
  if (lid == 0u) { ce_losses[r] = lse - tl; }
  for (var j = lid; j < M; j += 256u) {
    var g = exp(logits[o + j] - lse);
    if (j == u32(t)) { g -= 1.0; }
    logits[o + j] = g * cdims.inv_valid;
  }
}

struct BceLogitDims {
  R: u32,
  inv_valid: f32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(12) var<uniform> zdims: BceLogitDims;
@group(0) @binding(13) var<storage, read> z: array<f32>;
@group(0) @binding(14) var<storage, read> labels: array<i32>;
@group(0) @binding(15) var<storage, read_write> z_losses: array<f32>;
@group(0) @binding(16) var<storage, read_write> dz: array<f32>;

@compute @workgroup_size(64)
fn bce_logits_loss(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  if (r >= zdims.R) { return; }
  let y = labels[r];
  if (y < 0) {
    z_losses[r] = 0.0;
    dz[r] = 0.0;
    return;
  }
  let x = z[r];
  let yf = f32(y);
  // softplus(x) - y x, written as softplus(-x) for y = 1 so that a confident right answer (large x)
  // does not lose its small loss to the cancellation of x against softplus(x).
  z_losses[r] = softplus(select(x, -x, y == 1));
  dz[r] = (sigmoid(x) - yf) * zdims.inv_valid;
}

// Softmax cross-entropy over the whole catalog without a (rows x items) matrix:
// the caller computes one chunk of logits at a time, (R, M) with row stride ldl,
// for items first .. first + M - 1 (a matrix product with the chunk's rows of E),
// and the kernels below stream over the chunks.
//   softmax_ce_chunk:       online log-sum-exp. Each row keeps (running max, running
//                           sum of exp(logit - max), target logit) in ce_state (R, 3),
//                           starting afresh when flags bit 0 (first chunk) is set; on
//                           the last chunk (bit 1) it writes lse into ce_state[r*3]
//                           and the loss lse - target logit into chunk_losses.
//   softmax_ce_chunk_grad:  the same chunk's logits (computed again) become
//                           (softmax - onehot) / nValid, from the stored lse; the
//                           caller multiplies them into dh and the chunk's rows of dE.
// ce_targets holds item ids (0 = no loss at this row); a row without a target
// costs nothing here and gets a zero gradient.

struct CeChunkDims {
  R: u32,
  M: u32,
  ldl: u32,
  first: u32,
  flags: u32,
  inv_valid: f32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(17) var<uniform> kdims: CeChunkDims;
@group(0) @binding(18) var<storage, read_write> chunk_logits: array<f32>;
@group(0) @binding(19) var<storage, read> ce_targets: array<i32>;
@group(0) @binding(20) var<storage, read_write> ce_state: array<f32>;
@group(0) @binding(21) var<storage, read_write> chunk_losses: array<f32>;

const NEG_BIG: f32 = -3.402823e38;
var<workgroup> run_max: array<f32, 64>;
var<workgroup> run_sum: array<f32, 64>;

// Merge two (max, sum) pairs of a log-sum-exp; a sum of 0 (nothing seen) carries no weight.
fn lse_merge(m1: f32, s1: f32, m2: f32, s2: f32) -> vec2<f32> {
  let m = max(m1, m2);
  return vec2<f32>(m, s1 * exp(m1 - m) + s2 * exp(m2 - m));
}

// One workgroup of 64 per row: each invocation runs the online update over its
// strided columns in one pass, then the 64 pairs are merged by a tree.
@compute @workgroup_size(64)
fn softmax_ce_chunk(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = wg.y * nwg.x + wg.x;
  if (r >= kdims.R) { return; } // uniform per workgroup
  let t = ce_targets[r];
  let last = (kdims.flags & 2u) != 0u;
  if (t <= 0) {
    if (last && lid == 0u) { chunk_losses[r] = 0.0; }
    return; // uniform per workgroup: one row, one target
  }
  let o = r * kdims.ldl;
  var m = NEG_BIG;
  var s = 0.0;
  for (var j = lid; j < kdims.M; j += 64u) {
    let x = chunk_logits[o + j];
    if (x > m) {
      s = s * exp(m - x) + 1.0;
      m = x;
    } else {
      s += exp(x - m);
    }
  }
  run_max[lid] = m;
  run_sum[lid] = s;
  workgroupBarrier();
  for (var k = 32u; k > 0u; k >>= 1u) {
    if (lid < k) {
      let v = lse_merge(run_max[lid], run_sum[lid], run_max[lid + k], run_sum[lid + k]);
      run_max[lid] = v.x;
      run_sum[lid] = v.y;
    }
    workgroupBarrier();
  }
  if (lid != 0u) { return; }
  var pm = NEG_BIG;
  var ps = 0.0;
  var tl = 0.0;
  if ((kdims.flags & 1u) == 0u) {
    pm = ce_state[r * 3u];
    ps = ce_state[r * 3u + 1u];
    tl = ce_state[r * 3u + 2u];
  }
  let v = lse_merge(pm, ps, run_max[0], run_sum[0]);
  let col = u32(t) - kdims.first; // wraps past M when the target is before this chunk
  if (u32(t) >= kdims.first && col < kdims.M) { tl = chunk_logits[o + col]; }
  if (last) {
    let lse = v.x + log(v.y);
    ce_state[r * 3u] = lse;
    chunk_losses[r] = lse - tl;
  } else {
    ce_state[r * 3u] = v.x;
    ce_state[r * 3u + 1u] = v.y;
    ce_state[r * 3u + 2u] = tl;
  }
}

// One invocation per logit of the chunk: x = column, workgroup y = row.
@compute @workgroup_size(64)
fn softmax_ce_chunk_grad(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wg: vec3<u32>) {
  let j = gid.x;
  let r = wg.y;
  if (j >= kdims.M || r >= kdims.R) { return; }
  let o = r * kdims.ldl + j;
  let t = ce_targets[r];
  if (t <= 0) {
    chunk_logits[o] = 0.0;
    return;
  }
  var g = exp(chunk_logits[o] - ce_state[r * 3u]);
  if (u32(t) == kdims.first + j) { g -= 1.0; }
  chunk_logits[o] = g * kdims.inv_valid;
}
