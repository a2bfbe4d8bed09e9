enable f16;
//!include common.wgsl
// Scoring every catalog item for one history from a half-precision copy of the item table: half the bytes
// of score.wgsl's score_items per item, accumulated in f32. Used where the device has `shader-f16`
// (kernels/score.ts); its scores differ from the f32 table's by the table's rounding to f16 (about 1e-3
// relative), so it is for ranking, never for training.
//   to_f16:          E16[i] = f16(E[i]) for i < n (n a multiple of 4, converted 4 at a time)
//   score_items_f16: scores[i] = h[h_at ..] . E16[i] (C a multiple of 4, read 4 halves at a time); padding
//                    (i = 0) gets NEG_INF

struct HalfDims {
  n: u32,      // to_f16: elements / 4; score_items_f16: rows (items + 1)
  C: u32,
  h_at: u32,   // where the history's hidden state starts in h
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> dims: HalfDims;

@group(0) @binding(1) var<storage, read> E: array<vec4<f32>>;             // (n / 4)
@group(0) @binding(2) var<storage, read_write> E16_out: array<vec4<f16>>; // (n / 4)

@compute @workgroup_size(256)
fn to_f16(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wg, nwg, lid);
  if (i >= dims.n) { return; }
  E16_out[i] = vec4<f16>(E[i]);
}

@group(0) @binding(3) var<storage, read> h: array<vec4<f32>>;        // hidden states, h_at / 4 onwards
@group(0) @binding(4) var<storage, read> E16: array<vec4<f16>>;      // (rows, C / 4)
@group(0) @binding(5) var<storage, read_write> scores: array<f32>;   // (rows)

@compute @workgroup_size(256)
fn score_items_f16(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wg, nwg, lid);
  if (i >= dims.n) { return; }
  if (i == 0u) { scores[i] = NEG_INF; return; }
  let C4 = dims.C / 4u;
  let h0 = dims.h_at / 4u;
  var s = 0.0;
  for (var c = 0u; c < C4; c++) { s += dot(vec4<f32>(E16[i * C4 + c]), h[h0 + c]); }
  scores[i] = s;
}
