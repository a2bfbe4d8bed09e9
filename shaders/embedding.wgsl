//!include common.wgsl
// Embedding lookup and its backward.
//   embed_forward:  out[b,t] = dropout(E[id] + pos[t] (+ featProj[b,t])), zero where id == 0 (padding)
//   embed_backward: demb[b,t] = dropout'(dout[b,t]), zero at padding
//   segment_sum:    dst[rows[u]] (+)= sum_{e in segment u} scale(e) * src[entrySrc[e]]
//
// segment_sum is the scatter-add of the backward pass (and the gather that
// composes item vectors from content tokens). WGSL has no float atomics, so a
// batch's (destination row, source row) pairs are counting-sorted on the CPU
// into segments, one per distinct destination row. One invocation per
// (segment, channel) sums its segment in a fixed order and owns the write:
// repeated ids accumulate every contribution, with no races and a
// deterministic result.

struct EmbDims {
  rows: u32,    // B*T
  T: u32,
  C: u32,
  flags: u32,   // bit 0: add featProj
  key: u32,
  threshold: u32,
  scale: f32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> dims: EmbDims;
@group(0) @binding(1) var<storage, read> ids: array<i32>;
@group(0) @binding(2) var<storage, read> E: array<f32>;
@group(0) @binding(3) var<storage, read> pos: array<f32>;
@group(0) @binding(4) var<storage, read> feat_proj: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(256)
fn embed_forward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wg, nwg, lid);
  if (i >= dims.rows * dims.C) { return; }
  let r = i / dims.C;
  let c = i % dims.C;
  let id = ids[r];
  if (id <= 0) { out[i] = 0.0; return; }
  let t = r % dims.T;
  var v = E[u32(id) * dims.C + c] + pos[t * dims.C + c];
  if ((dims.flags & 1u) != 0u) { v += feat_proj[i]; }
  if (dims.threshold > 0u) {
    if (dropout_keep(dims.key, i, dims.threshold)) { v = v * dims.scale; } else { v = 0.0; }
  }
  out[i] = v;
}

@group(0) @binding(6) var<storage, read> dout: array<f32>;
@group(0) @binding(7) var<storage, read> bids: array<i32>;
@group(0) @binding(8) var<storage, read_write> demb: array<f32>;

@compute @workgroup_size(256)
fn embed_backward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wg, nwg, lid);
  if (i >= dims.rows * dims.C) { return; }
  let r = i / dims.C;
  if (bids[r] <= 0) { demb[i] = 0.0; return; }
  var d = dout[i];
  if (dims.threshold > 0u) {
    if (dropout_keep(dims.key, i, dims.threshold)) { d = d * dims.scale; } else { d = 0.0; }
  }
  demb[i] = d;
}

struct SegDims {
  n_rows: u32,       // segments in use
  C: u32,
  flags: u32,        // bit 0: use scales, bit 1: accumulate into dst
  offsets_at: u32,   // where offsets[] start in seg (rows[] start at 0)
  src_at: u32,       // where entrySrc[] starts
  scale_at: u32,     // where entryScale[] starts
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(9) var<uniform> sdims: SegDims;
@group(0) @binding(10) var<storage, read> seg: array<u32>;
@group(0) @binding(11) var<storage, read> scales: array<f32>;
@group(0) @binding(12) var<storage, read> src: array<f32>;
@group(0) @binding(13) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(256)
fn segment_sum(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wg, nwg, lid);
  let C = sdims.C;
  if (i >= sdims.n_rows * C) { return; }
  let u = i / C;
  let c = i % C;
  let e0 = seg[sdims.offsets_at + u];
  let e1 = seg[sdims.offsets_at + u + 1u];
  let use_scale = (sdims.flags & 1u) != 0u;
  var acc = 0.0;
  for (var e = e0; e < e1; e++) {
    var s = 1.0;
    let si = seg[sdims.scale_at + e];
    if (use_scale && si != 0xffffffffu) { s = scales[si]; }
    acc += s * src[seg[sdims.src_at + e] * C + c];
  }
  let o = seg[u] * C + c;
  if ((sdims.flags & 2u) != 0u) { acc += dst[o]; }
  dst[o] = acc;
}
