// Shared helpers, spliced into a shader where it says `//!include common.wgsl`.

const NEG_INF: f32 = -3.402823e38;

// 1-D index of an invocation in a dispatch laid out as (x, y) workgroups of 256,
// so element counts beyond 65535 workgroups still fit.
fn linear_index(wg: vec3<u32>, nwg: vec3<u32>, lid: u32) -> u32 {
  return (wg.y * nwg.x + wg.x) * 256u + lid;
}

// Counter-based random bits ("lowbias32" mix). Mirrored bit-for-bit by
// src/model/random.ts, so CPU and GPU drop the same elements.
fn hash32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

fn dropout_keep(key: u32, index: u32, threshold: u32) -> bool {
  return (hash32(hash32(index) ^ key) >> 8u) >= threshold;
}
