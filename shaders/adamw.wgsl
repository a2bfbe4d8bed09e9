//!include common.wgsl
// AdamW over one flat parameter buffer (decoupled weight decay on the
// elements below decay_end: weights and embeddings, not biases or LayerNorm).
//   m = b1 m + (1-b1) g;  v = b2 v + (1-b2) g^2
//   p -= lr * ( (m / bc1) / (sqrt(v / bc2) + eps) + wd * p )
// bc1 = 1 - b1^t and bc2 = 1 - b2^t come from the CPU in float64.

struct AdamDims {
  n: u32,
  decay_end: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
  bc1: f32,
  bc2: f32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> dims: AdamDims;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(256)
fn adamw_step(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = linear_index(wg, nwg, lid);
  if (i >= dims.n) { return; }
  let g = grads[i];
  let mi = dims.beta1 * m[i] + (1.0 - dims.beta1) * g;
  let vi = dims.beta2 * v[i] + (1.0 - dims.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  var wd = 0.0;
  if (i < dims.decay_end) { wd = dims.weight_decay; }
  let p = params[i];
  params[i] = p - dims.lr * ((mi / dims.bc1) / (sqrt(vi / dims.bc2) + dims.eps) + wd * p);
}
