enable subgroups;
// Every lane of a subgroup works on the same row, so the subgroup operations below run in
// subgroup-uniform control flow although the row comes from the invocation's index.
diagnostic(off, subgroup_uniformity);
// LayerNorm over the channels of each row with one subgroup per row: its lanes read consecutive
// channels and subgroupAdd sums them, where layernorm.wgsl gives a row to one invocation.
// The same results as layernorm_forward and layernorm_backward there (same bindings), used
// where the device has the `subgroups` feature (kernels/layernorm.ts).
//   row of an invocation: (workgroup * 64 + local index) / subgroup size, so a workgroup of 64
//   covers 64 / subgroup size rows (subgroups are taken as consecutive runs of the local index).
// x, out, dout, dx are (rows, C); ln is [gamma (C) ; beta (C)]; stats (rows, 2) = (mean, rstd).

//!include layernorm_rows.wgsl

// Where an invocation is: its workgroup, its index in it, and its lane in its subgroup.
struct Lane {
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(subgroup_invocation_id) lane: u32,
  @builtin(subgroup_size) width: u32,
}

fn row_of(at: Lane) -> u32 {
  return ((at.wg.y * at.nwg.x + at.wg.x) * 64u + at.lid) / at.width;
}

@compute @workgroup_size(64)
fn layernorm_forward_subgroup(at: Lane) {
  let r = row_of(at);
  if (r >= dims.rows) { return; }
  let C = dims.C;
  let o = r * C;
  var s = 0.0;
  for (var c = at.lane; c < C; c += at.width) { s += x[o + c]; }
  let mean = subgroupAdd(s) / f32(C);
  var v = 0.0;
  for (var c = at.lane; c < C; c += at.width) { let d = x[o + c] - mean; v += d * d; }
  let rstd = 1.0 / sqrt(subgroupAdd(v) / f32(C) + EPS);
  for (var c = at.lane; c < C; c += at.width) { out[o + c] = (x[o + c] - mean) * rstd * ln[c] + ln[C + c]; }
  if (at.lane == 0u) {
    stats[2u * r] = mean;
    stats[2u * r + 1u] = rstd;
  }
}

// backward (input gradient, accumulated): dx += rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))

@compute @workgroup_size(64)
fn layernorm_backward_subgroup(at: Lane) {
  let r = row_of(at);
  if (r >= dims.rows) { return; }
  let C = dims.C;
  let o = r * C;
  let mean = bstats[2u * r];
  let rstd = bstats[2u * r + 1u];
  var s1 = 0.0;
  var s2 = 0.0;
  for (var c = at.lane; c < C; c += at.width) {
    let xh = (bx[o + c] - mean) * rstd;
    let dxh = dout[o + c] * bln[c];
    s1 += dxh;
    s2 += dxh * xh;
  }
  let m1 = subgroupAdd(s1) / f32(C);
  let m2 = subgroupAdd(s2) / f32(C);
  for (var c = at.lane; c < C; c += at.width) {
    let xh = (bx[o + c] - mean) * rstd;
    let dxh = dout[o + c] * bln[c];
    dx[o + c] += rstd * (dxh - m1 - xh * m2);
  }
}
