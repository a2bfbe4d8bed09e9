// The declarations both LayerNorm row modules share (layernorm.wgsl, a row per invocation, and
// layernorm_subgroup.wgsl, a row per subgroup), so that their launchers bind the same slots.
// ln holds [gamma (C) ; beta (C)]. x, out, dout, dx are (rows, C); stats (rows, 2) = (mean, rstd).

const EPS: f32 = 1e-5;

struct LnDims {
  rows: u32,
  C: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> dims: LnDims;

// forward
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> ln: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<storage, read_write> stats: array<f32>;

// backward (input gradient, accumulated): dout, and the forward's x, stats and ln
@group(0) @binding(5) var<storage, read> dout: array<f32>;
@group(0) @binding(6) var<storage, read> bx: array<f32>;
@group(0) @binding(7) var<storage, read> bstats: array<f32>;
@group(0) @binding(8) var<storage, read> bln: array<f32>;
@group(0) @binding(9) var<storage, read_write> dx: array<f32>;
