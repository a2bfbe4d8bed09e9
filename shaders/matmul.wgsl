// Matrix products for every linear layer and their backward.
//   matmul:  C(M,N) (+)= op(A)(M,K) . op(B)(K,N) (+ bias(N))
//            op(A) = A(M,K), or A(K,M) transposed when TRANS_A; op(B) likewise.
//            forward  Y = X.W + b        (no transposes)
//            backward dX = dY.W^T        (TRANS_B)
//                     dW = X^T.dY        (TRANS_A)
//   colsum:  out(N) (+)= sum over rows of X(M,N)   -> db = sum dY
// Tiled through workgroup memory: a 64x64 output tile per workgroup of 16x16
// invocations, each owning a 4x4 strided micro-tile; K advances 16 at a time.
//
// Strided and batched: rows of A, B and C are lda, ldb, ldc elements apart,
// and product z (the z workgroup index) starts at
//   off + (z / inner) * s_outer + (z % inner) * s_inner
// in each matrix. Attention uses this to multiply per (batch, head) straight
// out of the fused qkv buffer; a plain product has one batch and ld = width.

override TRANS_A: bool = false;
override TRANS_B: bool = false;

struct Dims {
  M: u32,
  N: u32,
  K: u32,
  flags: u32, // bit 0: add bias, bit 1: accumulate into C
  lda: u32,
  ldb: u32,
  ldc: u32,
  inner: u32, // batch index z = outer * inner + inner_index
  off_a: u32,
  off_b: u32,
  off_c: u32,
  _pad: u32,
  sa_outer: u32,
  sa_inner: u32,
  sb_outer: u32,
  sb_inner: u32,
  sc_outer: u32,
  sc_inner: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> C: array<f32>;

const TILE_M: u32 = 64u;
const TILE_N: u32 = 64u;
const TILE_K: u32 = 16u;

// Write one output element: + bias, += C when accumulating; out-of-range is skipped.
fn store(bc: u32, m: u32, n: u32, value: f32) {
  if (m >= dims.M || n >= dims.N) { return; }
  var v = value;
  if ((dims.flags & 1u) != 0u) { v += bias[n]; }
  let o = bc + m * dims.ldc + n;
  if ((dims.flags & 2u) != 0u) { v += C[o]; }
  C[o] = v;
}

var<workgroup> As: array<f32, 1024>; // [k][m], TILE_K x TILE_M
var<workgroup> Bs: array<f32, 1024>; // [k][n], TILE_K x TILE_N

fn base_a(z: u32) -> u32 { return dims.off_a + (z / dims.inner) * dims.sa_outer + (z % dims.inner) * dims.sa_inner; }
fn base_b(z: u32) -> u32 { return dims.off_b + (z / dims.inner) * dims.sb_outer + (z % dims.inner) * dims.sb_inner; }
fn base_c(z: u32) -> u32 { return dims.off_c + (z / dims.inner) * dims.sc_outer + (z % dims.inner) * dims.sc_inner; }

fn load_a(ba: u32, m: u32, k: u32) -> f32 {
  if (m >= dims.M || k >= dims.K) { return 0.0; }
  if (TRANS_A) { return A[ba + k * dims.lda + m]; }
  return A[ba + m * dims.lda + k];
}

fn load_b(bb: u32, k: u32, n: u32) -> f32 {
  if (k >= dims.K || n >= dims.N) { return 0.0; }
  if (TRANS_B) { return B[bb + n * dims.ldb + k]; }
  return B[bb + k * dims.ldb + n];
}

@compute @workgroup_size(16, 16)
fn matmul(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let ba = base_a(wg.z);
  let bb = base_b(wg.z);
  let bc = base_c(wg.z);
  let row0 = wg.y * TILE_M;
  let col0 = wg.x * TILE_N;
  let tid = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var i = 0u; i < 16u; i++) { acc[i] = 0.0; }

  for (var k0 = 0u; k0 < dims.K; k0 += TILE_K) {
    for (var r = 0u; r < 4u; r++) {
      let e = tid + r * 256u;
      // Walk memory contiguously: along k for row-major A, along m for A^T.
      var m: u32; var k: u32;
      if (TRANS_A) { m = e % TILE_M; k = e / TILE_M; } else { m = e / TILE_K; k = e % TILE_K; }
      As[k * TILE_M + m] = load_a(ba, row0 + m, k0 + k);
      var n: u32; var kb: u32;
      if (TRANS_B) { n = e / TILE_K; kb = e % TILE_K; } else { n = e % TILE_N; kb = e / TILE_N; }
      Bs[kb * TILE_N + n] = load_b(bb, k0 + kb, col0 + n);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_K; kk++) {
      var a: array<f32, 4>;
      var b: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        a[i] = As[kk * TILE_M + lid.y + 16u * i];
        b[i] = Bs[kk * TILE_N + lid.x + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i * 4u + j] = fma(a[i], b[j], acc[i * 4u + j]);
        }
      }
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      store(bc, row0 + lid.y + 16u * i, col0 + lid.x + 16u * j, acc[i * 4u + j]);
    }
  }
}

// Same product without workgroup memory or barriers: each invocation owns a
// 4x4 output block and streams A and B from memory. Chosen on software
// adapters (llvmpipe, SwiftShader), where a workgroup barrier means switching
// every invocation's coroutine; the tiled kernel above is for real GPUs.
@compute @workgroup_size(8, 8)
fn matmul_direct(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m0 = gid.y * 4u;
  let n0 = gid.x * 4u;
  if (m0 >= dims.M || n0 >= dims.N) { return; }
  let ba = base_a(gid.z);
  let bb = base_b(gid.z);
  let bc = base_c(gid.z);
  var acc: array<f32, 16>;
  for (var i = 0u; i < 16u; i++) { acc[i] = 0.0; }
  for (var k = 0u; k < dims.K; k++) {
    let a = vec4<f32>(load_a(ba, m0, k), load_a(ba, m0 + 1u, k), load_a(ba, m0 + 2u, k), load_a(ba, m0 + 3u, k));
    let b = vec4<f32>(load_b(bb, k, n0), load_b(bb, k, n0 + 1u), load_b(bb, k, n0 + 2u), load_b(bb, k, n0 + 3u));
    for (var i = 0u; i < 4u; i++) {
      for (var j = 0u; j < 4u; j++) {
        acc[i * 4u + j] = fma(a[i], b[j], acc[i * 4u + j]);
      }
    }
  }
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      store(bc, m0 + i, n0 + j, acc[i * 4u + j]);
    }
  }
}

// The direct product with 16-byte loads, for software adapters: the same
// 4x4 block per invocation, K advancing 4 at a time, every load a vec4 (A's
// rows along k, or along m when TRANS_A; B's rows along n, or along k when
// TRANS_B), so 8 loads feed 64 fma instead of 32. The same buffers as A and B,
// bound again as vec4 arrays. The launcher uses it only when it fits: K, lda,
// ldb and every offset multiples of 4, and M (TRANS_A) or N (not TRANS_B) too.
@group(0) @binding(5) var<storage, read> A4: array<vec4<f32>>;
@group(0) @binding(6) var<storage, read> B4: array<vec4<f32>>;

@compute @workgroup_size(8, 8)
fn matmul_vec4(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m0 = gid.y * 4u;
  let n0 = gid.x * 4u;
  if (m0 >= dims.M || n0 >= dims.N) { return; }
  let ba = base_a(gid.z);
  let bb = base_b(gid.z);
  let bc = base_c(gid.z);
  var acc: array<vec4<f32>, 4>; // acc[i]: row m0 + i, columns n0..n0+3
  for (var i = 0u; i < 4u; i++) { acc[i] = vec4<f32>(0.0); }
  for (var k = 0u; k < dims.K; k += 4u) {
    var a: array<vec4<f32>, 4>; // a[i]: op(A)(m0 + i, k..k+3)
    if (TRANS_A) {
      let t0 = A4[(ba + k * dims.lda + m0) / 4u];
      let t1 = A4[(ba + (k + 1u) * dims.lda + m0) / 4u];
      let t2 = A4[(ba + (k + 2u) * dims.lda + m0) / 4u];
      let t3 = A4[(ba + (k + 3u) * dims.lda + m0) / 4u];
      for (var i = 0u; i < 4u; i++) { a[i] = vec4<f32>(t0[i], t1[i], t2[i], t3[i]); }
    } else {
      for (var i = 0u; i < 4u; i++) { a[i] = A4[(ba + min(m0 + i, dims.M - 1u) * dims.lda + k) / 4u]; }
    }
    var b: array<vec4<f32>, 4>; // b[kk]: op(B)(k + kk, n0..n0+3)
    if (TRANS_B) {
      let u0 = B4[(bb + n0 * dims.ldb + k) / 4u];
      let u1 = B4[(bb + min(n0 + 1u, dims.N - 1u) * dims.ldb + k) / 4u];
      let u2 = B4[(bb + min(n0 + 2u, dims.N - 1u) * dims.ldb + k) / 4u];
      let u3 = B4[(bb + min(n0 + 3u, dims.N - 1u) * dims.ldb + k) / 4u];
      for (var kk = 0u; kk < 4u; kk++) { b[kk] = vec4<f32>(u0[kk], u1[kk], u2[kk], u3[kk]); }
    } else {
      for (var kk = 0u; kk < 4u; kk++) { b[kk] = B4[(bb + (k + kk) * dims.ldb + n0) / 4u]; }
    }
    for (var i = 0u; i < 4u; i++) {
      acc[i] = fma(vec4<f32>(a[i].x), b[0], fma(vec4<f32>(a[i].y), b[1], fma(vec4<f32>(a[i].z), b[2], fma(vec4<f32>(a[i].w), b[3], acc[i]))));
    }
  }
  for (var i = 0u; i < 4u; i++) {
    for (var j = 0u; j < 4u; j++) {
      store(bc, m0 + i, n0 + j, acc[i][j]);
    }
  }
}

// ---- colsum: bias gradients (and any sum over rows) ----

struct SumDims {
  rows: u32,
  cols: u32,
  flags: u32, // bit 1: accumulate
  _pad: u32,
}

@group(0) @binding(0) var<uniform> sdims: SumDims;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> sums: array<f32>;

var<workgroup> part: array<f32, 256>;

// 16 columns per workgroup, 16 row-lanes striding over the rows, then a tree reduction.
@compute @workgroup_size(16, 16)
fn colsum(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let col = wg.x * 16u + lid.x;
  var s = 0.0;
  if (col < sdims.cols) {
    for (var r = lid.y; r < sdims.rows; r += 16u) { s += X[r * sdims.cols + col]; }
  }
  part[lid.y * 16u + lid.x] = s;
  workgroupBarrier();
  for (var stride = 8u; stride > 0u; stride >>= 1u) {
    if (lid.y < stride) { part[lid.y * 16u + lid.x] += part[(lid.y + stride) * 16u + lid.x]; }
    workgroupBarrier();
  }
  if (lid.y == 0u && col < sdims.cols) {
    var v = part[lid.x];
    if ((sdims.flags & 2u) != 0u) { v += sums[col]; }
    sums[col] = v;
  }
}

// The same sums without workgroup memory or barriers, one invocation per
// column: for software adapters, where the tree reduction's barriers cost more
// than the additions.
@compute @workgroup_size(64)
fn colsum_direct(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col = gid.x;
  if (col >= sdims.cols) { return; }
  var s = 0.0;
  for (var r = 0u; r < sdims.rows; r++) { s += X[r * sdims.cols + col]; }
  if ((sdims.flags & 2u) != 0u) { s += sums[col]; }
  sums[col] = s;
}
