//!include common.wgsl
// Element-wise operations, forward and backward side by side.
//   gelu_forward / gelu_backward        (tanh approximation; argument clamped to +-15)
//   residual_dropout_forward            out = x + dropout(y)
//   dropout_backward                    dy = dropout'(dout)  (the residual passes dout through)
// Dropout is counter-based: element i is kept iff hash(hash(i) ^ key) >> 8 >= threshold,
// so backward recomputes the forward mask from the same key with nothing stored.

struct EwDims {
  n: u32,
  key: u32,
  threshold: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> dims: EwDims;

const GELU_K: f32 = 0.7978845608028654; // sqrt(2/pi)

fn tanh_clamped(u: f32) -> f32 {
  let z = clamp(u, -15.0, 15.0);
  let e = exp(2.0 * z);
  return (e - 1.0) / (e + 1.0);
}

@group(0) @binding(1) var<storage, read> gx: array<f32>;
@group(0) @binding(2) var<storage, read_write> gout: array<f32>;

@compute @workgroup_size(256)
fn gelu_forward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wg, nwg, lid);
  if (i >= dims.n) { return; }
  let x = gx[i];
  gout[i] = 0.5 * x * (1.0 + tanh_clamped(GELU_K * (x + 0.044715 * x * x * x)));
}

@group(0) @binding(3) var<storage, read> gdout: array<f32>;
@group(0) @binding(4) var<storage, read> bx: array<f32>;
@group(0) @binding(5) var<storage, read_write> gdx: array<f32>;

@compute @workgroup_size(256)
fn gelu_backward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wg, nwg, lid);
  if (i >= dims.n) { return; }
  let x = bx[i];
  let u = GELU_K * (x + 0.044715 * x * x * x);
  let t = tanh_clamped(u);
  var du = 0.0;
  if (abs(u) < 15.0) { du = GELU_K * (1.0 + 3.0 * 0.044715 * x * x); }
  gdx[i] = gdout[i] * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du);
}

@group(0) @binding(6) var<storage, read> rx: array<f32>;
@group(0) @binding(7) var<storage, read> ry: array<f32>;
@group(0) @binding(8) var<storage, read_write> rout: array<f32>;

@compute @workgroup_size(256)
fn residual_dropout_forward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wg, nwg, lid);
  if (i >= dims.n) { return; }
  var y = ry[i];
  if (dims.threshold > 0u) {
    if (dropout_keep(dims.key, i, dims.threshold)) { y = y * dims.scale; } else { y = 0.0; }
  }
  rout[i] = rx[i] + y;
}

@group(0) @binding(9) var<storage, read> ddout: array<f32>;
@group(0) @binding(10) var<storage, read_write> ddy: array<f32>;

@compute @workgroup_size(256)
fn dropout_backward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wg, nwg, lid);
  if (i >= dims.n) { return; }
  var d = ddout[i];
  if (dims.threshold > 0u) {
    if (dropout_keep(dims.key, i, dims.threshold)) { d = d * dims.scale; } else { d = 0.0; }
  }
  ddy[i] = d;
}
