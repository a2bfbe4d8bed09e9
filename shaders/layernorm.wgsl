//!include common.wgsl
// LayerNorm over the channels of each row, forward and backward side by side.
//   layernorm_forward:         out = (x - mean) * rstd * gamma + beta; stats = (mean, rstd) per row
//   layernorm_backward:        dx += rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = dout * gamma
//   layernorm_backward_params: dln = [sum_rows dout * xhat ; sum_rows dout]
// ln holds [gamma (C) ; beta (C)]. x, out, dout, dx are (rows, C).
//!include layernorm_rows.wgsl

@compute @workgroup_size(256)
fn layernorm_forward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = linear_index(wg, nwg, lid);
  if (r >= dims.rows) { return; }
  let C = dims.C;
  let o = r * C;
  var mean = 0.0;
  for (var c = 0u; c < C; c++) { mean += x[o + c]; }
  mean /= f32(C);
  var v = 0.0;
  for (var c = 0u; c < C; c++) { let d = x[o + c] - mean; v += d * d; }
  let rstd = 1.0 / sqrt(v / f32(C) + EPS);
  for (var c = 0u; c < C; c++) { out[o + c] = (x[o + c] - mean) * rstd * ln[c] + ln[C + c]; }
  stats[2u * r] = mean;
  stats[2u * r + 1u] = rstd;
}

@compute @workgroup_size(256)
fn layernorm_backward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = linear_index(wg, nwg, lid);
  if (r >= dims.rows) { return; }
  let C = dims.C;
  let o = r * C;
  let mean = bstats[2u * r];
  let rstd = bstats[2u * r + 1u];
  var s1 = 0.0;
  var s2 = 0.0;
  for (var c = 0u; c < C; c++) {
    let xh = (bx[o + c] - mean) * rstd;
    let dxh = dout[o + c] * bln[c];
    s1 += dxh;
    s2 += dxh * xh;
  }
  s1 /= f32(C);
  s2 /= f32(C);
  for (var c = 0u; c < C; c++) {
    let xh = (bx[o + c] - mean) * rstd;
    let dxh = dout[o + c] * bln[c];
    dx[o + c] += rstd * (dxh - s1 - xh * s2);
  }
}

// backward (parameter gradient): 16 channels per workgroup, 16 row-lanes, tree reduction
@group(0) @binding(10) var<storage, read> pdout: array<f32>;
@group(0) @binding(11) var<storage, read> px: array<f32>;
@group(0) @binding(12) var<storage, read> pstats: array<f32>;
@group(0) @binding(13) var<storage, read_write> dln: array<f32>;

var<workgroup> part_g: array<f32, 256>;
var<workgroup> part_b: array<f32, 256>;

@compute @workgroup_size(16, 16)
fn layernorm_backward_params(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let C = dims.C;
  let c = wg.x * 16u + lid.x;
  var sg = 0.0;
  var sb = 0.0;
  if (c < C) {
    for (var r = lid.y; r < dims.rows; r += 16u) {
      let xh = (px[r * C + c] - pstats[2u * r]) * pstats[2u * r + 1u];
      let d = pdout[r * C + c];
      sg += d * xh;
      sb += d;
    }
  }
  let i = lid.y * 16u + lid.x;
  part_g[i] = sg;
  part_b[i] = sb;
  workgroupBarrier();
  for (var stride = 8u; stride > 0u; stride >>= 1u) {
    if (lid.y < stride) {
      part_g[i] += part_g[i + stride * 16u];
      part_b[i] += part_b[i + stride * 16u];
    }
    workgroupBarrier();
  }
  if (lid.y == 0u && c < C) {
    dln[c] = part_g[lid.x];
    dln[C + c] = part_b[lid.x];
  }
}

// The same parameter gradients with one invocation per channel and no
// barriers, for software adapters.
@compute @workgroup_size(64)
fn layernorm_backward_params_direct(@builtin(global_invocation_id) gid: vec3<u32>) {
  let C = dims.C;
  let c = gid.x;
  if (c >= C) { return; }
  var sg = 0.0;
  var sb = 0.0;
  for (var r = 0u; r < dims.rows; r++) {
    let xh = (px[r * C + c] - pstats[2u * r]) * pstats[2u * r + 1u];
    let d = pdout[r * C + c];
    sg += d * xh;
    sb += d;
  }
  dln[c] = sg;
  dln[C + c] = sb;
}
