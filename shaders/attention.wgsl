// Causal multi-head scaled dot-product attention, forward and backward.
// qkv is (B*T, 3C): [q | k | v] per row, head h at channels h*hs .. (h+1)*hs.
// Key j is visible to query i iff j <= i and ids[b, j] != 0 (left padding masked).
// A query with no visible key (a padding position) outputs zeros.
//   attention_forward:             att (B,H,T,T) = softmax(q.k / sqrt(hs)) over visible keys; out (B*T, C) = att . v
//   attention_backward_query:      dS = att * (dP - rowsum(att * dP)) / sqrt(hs), dP = dout . v^T; dq = dS . k
//   attention_backward_keyvalue:   dk = dS^T . q; dv = att^T . dout
// One invocation per (b, h, row); the key/value pass runs over columns so every
// output element has exactly one writer.

struct AttDims {
  B: u32,
  T: u32,
  C: u32,
  H: u32,
}

@group(0) @binding(0) var<uniform> dims: AttDims;

// (b, h, row) of an invocation index over B * H * T rows.
fn decode_row(idx: u32) -> vec3<u32> {
  return vec3<u32>(idx / (dims.T * dims.H), (idx / dims.T) % dims.H, idx % dims.T);
}

@group(0) @binding(1) var<storage, read> qkv: array<f32>;
@group(0) @binding(2) var<storage, read> ids: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> att: array<f32>;

@compute @workgroup_size(64)
fn attention_forward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let T = dims.T;
  let C = dims.C;
  let H = dims.H;
  let idx = gid.x;
  if (idx >= dims.B * H * T) { return; }
  let r = decode_row(idx);
  let b = r.x;
  let h = r.y;
  let i = r.z;
  let hs = C / H;
  let scale = 1.0 / sqrt(f32(hs));
  let qo = (b * T + i) * 3u * C + h * hs;
  let ao = ((b * H + h) * T + i) * T;
  var mx = -3.402823e38;
  var has_key = false;
  for (var j = 0u; j <= i; j++) {
    if (ids[b * T + j] == 0) { continue; }
    let ko = (b * T + j) * 3u * C + C + h * hs;
    var d = 0.0;
    for (var c = 0u; c < hs; c++) { d = fma(qkv[qo + c], qkv[ko + c], d); }
    d *= scale;
    att[ao + j] = d;
    mx = max(mx, d);
    has_key = true;
  }
  var sum = 0.0;
  for (var j = 0u; j < T; j++) {
    var p = 0.0;
    if (j <= i && ids[b * T + j] != 0) { p = exp(att[ao + j] - mx); }
    att[ao + j] = p;
    sum += p;
  }
  let oo = (b * T + i) * C + h * hs;
  if (!has_key) {
    for (var c = 0u; c < hs; c++) { out[oo + c] = 0.0; }
    return;
  }
  let inv = 1.0 / sum;
  for (var j = 0u; j <= i; j++) { att[ao + j] *= inv; }
  for (var c = 0u; c < hs; c++) {
    var acc = 0.0;
    for (var j = 0u; j <= i; j++) {
      acc = fma(att[ao + j], qkv[(b * T + j) * 3u * C + 2u * C + h * hs + c], acc);
    }
    out[oo + c] = acc;
  }
}

@group(0) @binding(5) var<storage, read> dout: array<f32>;
@group(0) @binding(6) var<storage, read> bqkv: array<f32>;
@group(0) @binding(7) var<storage, read> batt: array<f32>;
@group(0) @binding(8) var<storage, read_write> dS: array<f32>;
@group(0) @binding(9) var<storage, read_write> dqkv: array<f32>;

@compute @workgroup_size(64)
fn attention_backward_query(@builtin(global_invocation_id) gid: vec3<u32>) {
  let T = dims.T;
  let C = dims.C;
  let H = dims.H;
  let idx = gid.x;
  if (idx >= dims.B * H * T) { return; }
  let r = decode_row(idx);
  let b = r.x;
  let h = r.y;
  let i = r.z;
  let hs = C / H;
  let scale = 1.0 / sqrt(f32(hs));
  let ao = ((b * H + h) * T + i) * T;
  let doo = (b * T + i) * C + h * hs;
  var rowdot = 0.0;
  for (var j = 0u; j <= i; j++) {
    let vo = (b * T + j) * 3u * C + 2u * C + h * hs;
    var d = 0.0;
    for (var c = 0u; c < hs; c++) { d = fma(dout[doo + c], bqkv[vo + c], d); }
    dS[ao + j] = d;
    rowdot += batt[ao + j] * d;
  }
  for (var j = 0u; j < T; j++) {
    var ds = 0.0;
    if (j <= i) { ds = batt[ao + j] * (dS[ao + j] - rowdot) * scale; }
    dS[ao + j] = ds;
  }
  let qo = (b * T + i) * 3u * C + h * hs;
  for (var c = 0u; c < hs; c++) {
    var acc = 0.0;
    for (var j = 0u; j <= i; j++) {
      acc = fma(dS[ao + j], bqkv[(b * T + j) * 3u * C + C + h * hs + c], acc);
    }
    dqkv[qo + c] = acc;
  }
}

@compute @workgroup_size(64)
fn attention_backward_keyvalue(@builtin(global_invocation_id) gid: vec3<u32>) {
  let T = dims.T;
  let C = dims.C;
  let H = dims.H;
  let idx = gid.x;
  if (idx >= dims.B * H * T) { return; }
  let r = decode_row(idx);
  let b = r.x;
  let h = r.y;
  let j = r.z;
  let hs = C / H;
  let ko = (b * T + j) * 3u * C + C + h * hs;
  let vo = ko + C;
  for (var c = 0u; c < hs; c++) {
    var dk = 0.0;
    var dv = 0.0;
    for (var i = j; i < T; i++) {
      let a = ((b * H + h) * T + i) * T + j;
      dk = fma(dS[a], bqkv[(b * T + i) * 3u * C + h * hs + c], dk);
      dv = fma(batt[a], dout[(b * T + i) * C + h * hs + c], dv);
    }
    dqkv[ko + c] = dk;
    dqkv[vo + c] = dv;
  }
}

// ---- attention as batched matrix products (the engine's path on software
// adapters): S = Q.K^T and O = P.V, dP = dO.V^T, dQ = dS.K, dK = dS^T.Q,
// dV = P^T.dO run through matmul.wgsl per (batch, head); these two kernels
// do the row-wise part in place on the (B, H, T, T) buffers.

@group(0) @binding(10) var<storage, read_write> sm: array<f32>;
@group(0) @binding(11) var<storage, read> sm_ids: array<i32>;

// P = softmax(S / sqrt(hs)) over visible keys, in place; a row with no visible key becomes 0.
@compute @workgroup_size(64)
fn causal_softmax(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;
  if (idx >= dims.B * dims.H * dims.T) { return; }
  let r = decode_row(idx);
  let b = r.x;
  let i = r.z;
  let T = dims.T;
  let scale = 1.0 / sqrt(f32(dims.C / dims.H));
  let o = idx * T;
  var mx = -3.402823e38;
  var has_key = false;
  for (var j = 0u; j <= i; j++) {
    if (sm_ids[b * T + j] != 0) {
      mx = max(mx, sm[o + j] * scale);
      has_key = true;
    }
  }
  var sum = 0.0;
  for (var j = 0u; j < T; j++) {
    var p = 0.0;
    if (has_key && j <= i && sm_ids[b * T + j] != 0) { p = exp(sm[o + j] * scale - mx); }
    sm[o + j] = p;
    sum += p;
  }
  if (!has_key) { return; }
  let inv = 1.0 / sum;
  for (var j = 0u; j <= i; j++) { sm[o + j] *= inv; }
}

@group(0) @binding(12) var<storage, read_write> sm_grad: array<f32>; // in: dP, out: dS (scaled)
@group(0) @binding(13) var<storage, read> sm_p: array<f32>;

// dS = P * (dP - rowsum(P * dP)) / sqrt(hs), in place.
@compute @workgroup_size(64)
fn causal_softmax_backward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let idx = gid.x;
  if (idx >= dims.B * dims.H * dims.T) { return; }
  let T = dims.T;
  let scale = 1.0 / sqrt(f32(dims.C / dims.H));
  let o = idx * T;
  var rowdot = 0.0;
  for (var j = 0u; j < T; j++) { rowdot += sm_p[o + j] * sm_grad[o + j]; }
  for (var j = 0u; j < T; j++) { sm_grad[o + j] = sm_p[o + j] * (sm_grad[o + j] - rowdot) * scale; }
}
