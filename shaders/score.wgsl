//!include common.wgsl
// Scoring every catalog item for one history, and top-k.
//   score_items: scores[i] = h[h_at ..] . E[i]; padding (i = 0) and excluded items get NEG_INF
//   score_items_vec4: the same, 4 channels per load (C and h_at multiples of 4)
//   row_logsumexp: lse[r] = log sum_{i >= 1} exp(lse_scores[r * C + i]) for r < rows (column 0 is padding):
//                one workgroup per row, an online (max, sum) per invocation, then a tree over the workgroup
//   gather_columns: gather_out[r * k + j] = gather_scores[r * C + gather_ids[j]] for r < rows, j < k: a few
//                items' scores in every row, so that only they are read back
//   topk:        one workgroup; each invocation keeps a sorted private top-k over a
//                strided slice, then invocation 0 merges the 256 lists.
//                Order: higher score first, ties by lower index. k <= 64.

struct ScoreDims {
  rows: u32,   // items + 1
  C: u32,
  k: u32,
  flags: u32,  // bit 0: use exclude mask
  h_at: u32,   // where the history's hidden state starts in h
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> dims: ScoreDims;
@group(0) @binding(1) var<storage, read> h: array<f32>;
@group(0) @binding(2) var<storage, read> E: array<f32>;
@group(0) @binding(3) var<storage, read> exclude: array<u32>;
@group(0) @binding(4) var<storage, read_write> scores: array<f32>;

@compute @workgroup_size(256)
fn score_items(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wg, nwg, lid);
  if (i >= dims.rows) { return; }
  if (i == 0u || ((dims.flags & 1u) != 0u && exclude[i] != 0u)) { scores[i] = NEG_INF; return; }
  var s = 0.0;
  for (var c = 0u; c < dims.C; c++) { s = fma(h[dims.h_at + c], E[i * dims.C + c], s); }
  scores[i] = s;
}

// The same scores with 16-byte loads (C and h_at multiples of 4), where the launcher can use it.
@group(0) @binding(10) var<storage, read> h4: array<vec4<f32>>;
@group(0) @binding(11) var<storage, read> E4: array<vec4<f32>>;

@compute @workgroup_size(256)
fn score_items_vec4(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wg, nwg, lid);
  if (i >= dims.rows) { return; }
  if (i == 0u || ((dims.flags & 1u) != 0u && exclude[i] != 0u)) { scores[i] = NEG_INF; return; }
  let C4 = dims.C / 4u;
  let h0 = dims.h_at / 4u;
  var s = 0.0;
  for (var c = 0u; c < C4; c++) { s += dot(E4[i * C4 + c], h4[h0 + c]); }
  scores[i] = s;
}

const MAXK: u32 = 64u;

@group(0) @binding(5) var<storage, read> tscores: array<f32>;
@group(0) @binding(6) var<storage, read_write> partial_score: array<f32>; // 256 * k
@group(0) @binding(7) var<storage, read_write> partial_index: array<u32>; // 256 * k
@group(0) @binding(8) var<storage, read_write> top_index: array<u32>;     // k
@group(0) @binding(9) var<storage, read_write> top_score: array<f32>;     // k

fn better(sa: f32, ia: u32, sb: f32, ib: u32) -> bool {
  return sa > sb || (sa == sb && ia < ib);
}

// Insert (s, i) into the sorted top-k lists if it belongs there.
fn insert_top(bs: ptr<function, array<f32, 64>>, bi: ptr<function, array<u32, 64>>, k: u32, s: f32, i: u32) {
  if (!better(s, i, (*bs)[k - 1u], (*bi)[k - 1u])) { return; }
  var q = k - 1u;
  while (q > 0u && better(s, i, (*bs)[q - 1u], (*bi)[q - 1u])) {
    (*bs)[q] = (*bs)[q - 1u];
    (*bi)[q] = (*bi)[q - 1u];
    q--;
  }
  (*bs)[q] = s;
  (*bi)[q] = i;
}

@compute @workgroup_size(256)
fn topk(@builtin(local_invocation_index) lid: u32) {
  let k = min(dims.k, MAXK);
  var bs: array<f32, 64>;
  var bi: array<u32, 64>;
  for (var q = 0u; q < k; q++) { bs[q] = NEG_INF; bi[q] = 0xffffffffu; }
  for (var i = lid; i < dims.rows; i += 256u) {
    let s = tscores[i];
    if (s <= NEG_INF) { continue; }
    insert_top(&bs, &bi, k, s, i);
  }
  for (var q = 0u; q < k; q++) {
    partial_score[lid * k + q] = bs[q];
    partial_index[lid * k + q] = bi[q];
  }
  storageBarrier();
  workgroupBarrier();
  if (lid != 0u) { return; }
  for (var q = 0u; q < k; q++) { bs[q] = NEG_INF; bi[q] = 0xffffffffu; }
  for (var e = 0u; e < 256u * k; e++) {
    let i = partial_index[e];
    if (i == 0xffffffffu) { continue; }
    insert_top(&bs, &bi, k, partial_score[e], i);
  }
  for (var q = 0u; q < k; q++) {
    top_index[q] = bi[q];
    top_score[q] = bs[q];
  }
}

@group(0) @binding(12) var<storage, read> lse_scores: array<f32>; // (rows, C)
@group(0) @binding(13) var<storage, read_write> lse: array<f32>;  // (rows)

var<workgroup> part_max: array<f32, 256>;
var<workgroup> part_sum: array<f32, 256>;

@compute @workgroup_size(256)
fn row_logsumexp(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = wg.y * nwg.x + wg.x;
  if (r >= dims.rows) { return; }
  let base = r * dims.C;
  var m = NEG_INF;
  var z = 0.0;
  for (var i = 1u + lid; i < dims.C; i += 256u) {
    let v = lse_scores[base + i];
    if (v > m) { z = z * exp(m - v) + 1.0; m = v; } else { z += exp(v - m); }
  }
  part_max[lid] = m;
  part_sum[lid] = z;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride >>= 1u) {
    if (lid < stride) {
      let m2 = part_max[lid + stride];
      let z2 = part_sum[lid + stride];
      let mm = max(part_max[lid], m2);
      // An empty part has z = 0 and m = NEG_INF: its term is 0 (exp of a finite minus NEG_INF would overflow to inf * 0).
      var zz = 0.0;
      if (part_sum[lid] > 0.0) { zz += part_sum[lid] * exp(part_max[lid] - mm); }
      if (z2 > 0.0) { zz += z2 * exp(m2 - mm); }
      part_max[lid] = mm;
      part_sum[lid] = zz;
    }
    workgroupBarrier();
  }
  if (lid == 0u) { lse[r] = part_max[0] + log(part_sum[0]); }
}

@group(0) @binding(14) var<storage, read> gather_scores: array<f32>;        // (rows, C)
@group(0) @binding(15) var<storage, read> gather_ids: array<u32>;           // (k)
@group(0) @binding(16) var<storage, read_write> gather_out: array<f32>;     // (rows, k)

@compute @workgroup_size(256)
fn gather_columns(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let e = linear_index(wg, nwg, lid);
  if (e >= dims.rows * dims.k) { return; }
  let r = e / dims.k;
  gather_out[e] = gather_scores[r * dims.C + gather_ids[e % dims.k]];
}
