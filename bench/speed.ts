/**
 * Our WGSL engine against TensorFlow.js's WebGPU backend, on the same adapter
 * in the same process, training the same model (same config, weights, batches).
 *   npm run bench:speed -- [--json] [--steps N] [--batch N] [--items N] [--maxlen N] [--dim N] [--infer-len N]
 *     [--peak-gflops N] [--score-rows N]
 * Checks first that both give the same first-step loss from the same weights,
 * then alternates steps (each ends with its loss read back) and reports
 * medians. Inference: score every item for one history of --infer-len events
 * (a model with that maxlen) and return the top 10. Also: our dispatches per
 * training step (counted by Dispatch.encode), and the scoring matrix product's
 * FLOP/s (scoringFlops.ts; --score-rows hidden states against every item),
 * with its share of --peak-gflops when that is given (the adapter's peak). Where the device has subgroups,
 * the same engine with the other choice of row kernels alternates with the two (subgroup_rows_speedup: the
 * step with a row per invocation over the step with a row per subgroup).
 */
import { gpu } from './webgpu-node';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-webgpu';
import { GpuContext, acquireDevice } from '../src/gpu/context';
import { GpuEngine } from '../src/model/engine';
import { DEFAULT_CONFIG, makeConfig } from '../src/model/config';
import { parameterLayout } from '../src/model/parameters';
import { initParameters } from '../src/model/init';
import { Rng } from '../src/model/random';
import { sequenceBatch } from '../src/train/sampling';
import { TfSasrec } from './tfjs-sasrec';
import { scoringFlops } from './scoringFlops';
import { numberFlag } from './cli';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Median step times of the two choices of row kernels, and the speed-up of a subgroup per row. */
const rowKernelTimes = (subgroup: number[], invocation: number[]) => ({
  subgroup_rows_step_ms: +median(subgroup).toFixed(2),
  invocation_rows_step_ms: +median(invocation).toFixed(2),
  subgroup_rows_speedup: +(median(invocation) / median(subgroup)).toFixed(3),
});

export async function main(args: string[]): Promise<void> {
  const get = (n: string, d: number) => numberFlag(args, n, d);
  const json = args.includes('--json');
  const log = (s: string) => process.stderr.write(s + '\n');
  const cfg = makeConfig({
    ...DEFAULT_CONFIG,
    items: get('items', DEFAULT_CONFIG.items),
    maxlen: get('maxlen', DEFAULT_CONFIG.maxlen),
    dim: get('dim', DEFAULT_CONFIG.dim),
    ffnDim: get('dim', DEFAULT_CONFIG.dim),
    dropout: 0,
    loss: 'bce',
  });
  const B = get('batch', 128);
  const steps = get('steps', 10);
  const inferLen = get('infer-len', 200);
  const lr = 1e-3;

  await tf.setBackend('webgpu');
  await tf.ready();
  const ctx = new GpuContext(await acquireDevice(gpu));
  log(`adapter: ${ctx.adapterName}; TF.js ${tf.version_core} backend ${tf.getBackend()}`);
  log(`config: ${JSON.stringify(cfg)}, batch ${B} (dropout 0 in both, so the first losses can be compared exactly)`);

  const params = initParameters(cfg, parameterLayout(cfg), 3);
  const optimizer = { lr, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0 };
  const ours = await GpuEngine.create(ctx, cfg, { batchSize: B, params, optimizer });
  // Where the device has subgroups: the same engine with the other choice of row kernels (a subgroup per row
  // or an invocation per row, ctx.subgroupRows). It alternates with the two, so the ratio is from the same
  // minutes of this machine.
  const subgroupRows = ctx.subgroupRows;
  ctx.subgroupRows = !subgroupRows;
  const other = ctx.subgroups ? await GpuEngine.create(ctx, cfg, { batchSize: B, params, optimizer }) : null;
  ctx.subgroupRows = subgroupRows;
  const theirs = new TfSasrec(cfg, params, lr);
  const rng = new Rng(5);
  const batches = Array.from({ length: 4 }, () => {
    const seqs = Array.from({ length: B }, () => Array.from({ length: cfg.maxlen + 1 }, () => rng.int(1, cfg.items + 1)));
    return sequenceBatch(cfg, seqs, B, rng);
  });

  // Fairness: same weights, same batch -> same loss.
  const l0 = (await ours.forward(batches[0], { training: false })).loss;
  const t0 = await theirs.lossOnly(batches[0]);
  const rel = Math.abs(l0 - t0) / Math.abs(l0);
  log(`first-step loss: ours ${l0.toFixed(6)}, TF.js ${t0.toFixed(6)} (relative difference ${rel.toExponential(2)})`);
  if (!(rel < 1e-4)) throw new Error('the two implementations disagree on the first loss; the race would not be fair');

  // Warm-up (pipeline compilation), then one more check after a step of each: gradients and Adam agree too.
  const a1 = await ours.trainStep(batches[0]);
  const b1 = await theirs.trainStep(batches[0]);
  const a2 = (await ours.forward(batches[1], { training: false })).loss;
  const b2 = await theirs.lossOnly(batches[1]);
  log(`after one step each: loss on the next batch ours ${a2.toFixed(6)}, TF.js ${b2.toFixed(6)} (first-step losses ${a1.toFixed(6)} / ${b1.toFixed(6)})`);
  await ours.trainStep(batches[1]);
  await theirs.trainStep(batches[1]);
  if (other) {
    const p0 = (await other.forward(batches[0], { training: false })).loss;
    log(
      `row kernels by ${subgroupRows ? 'invocation' : 'subgroup'}: first loss ${p0.toFixed(6)} (by ${subgroupRows ? 'subgroup' : 'invocation'}: ${l0.toFixed(6)})`,
    );
    if (!(Math.abs(p0 - l0) / Math.abs(l0) < 1e-5)) throw new Error('the two choices of row kernels disagree on the first loss');
    await other.trainStep(batches[0]);
    await other.trainStep(batches[1]);
  }
  const otherT: number[] = [];

  const oursT: number[] = [];
  const tfT: number[] = [];
  // Process CPU time (every thread: on a software adapter the GPU work is CPU work), steadier than wall time on a shared machine.
  const oursC: number[] = [];
  const tfC: number[] = [];
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  let dispatches = 0;
  for (let i = 0; i < steps; i++) {
    const b = batches[i % 4];
    const n0 = ctx.dispatchCount;
    let c = process.cpuUsage();
    let s = performance.now();
    await ours.trainStep(b);
    oursT.push(performance.now() - s);
    oursC.push(cpuMs(process.cpuUsage(c)));
    dispatches = ctx.dispatchCount - n0;
    if (other) {
      s = performance.now();
      await other.trainStep(b);
      otherT.push(performance.now() - s);
    }
    c = process.cpuUsage();
    s = performance.now();
    await theirs.trainStep(b);
    tfT.push(performance.now() - s);
    tfC.push(cpuMs(process.cpuUsage(c)));
    process.stderr.write(`\rstep ${i + 1}/${steps}: ours ${oursT[i].toFixed(0)} ms, TF.js ${tfT[i].toFixed(0)} ms   `);
  }
  process.stderr.write('\n');

  // Inference on one long history.
  const icfg = { ...cfg, maxlen: inferLen };
  const iparams = initParameters(icfg, parameterLayout(icfg), 4);
  const oursI = await GpuEngine.create(ctx, icfg, { batchSize: 1, params: iparams });
  const theirsI = new TfSasrec(icfg, iparams, lr);
  const history = Array.from({ length: inferLen }, () => rng.int(1, cfg.items + 1));
  const ra = (await oursI.recommend(history, 10)).items;
  const rb = await theirsI.recommend(history, 10);
  const overlap = ra.filter((x) => rb.includes(x)).length;
  log(`inference top-10 agreement: ${overlap}/10`);
  const oursIT: number[] = [];
  const tfIT: number[] = [];
  for (let i = 0; i < 2 * steps; i++) {
    let s = performance.now();
    await oursI.recommend(history, 10);
    oursIT.push(performance.now() - s);
    s = performance.now();
    await theirsI.recommend(history, 10);
    tfIT.push(performance.now() - s);
  }
  const scoring = await scoringFlops(ctx, { rows: get('score-rows', 128), items: cfg.items, dim: cfg.dim, peakGflops: get('peak-gflops', 0) });
  const result = {
    adapter: ctx.adapterName,
    tfjs_backend: `webgpu (tfjs-core ${tf.version_core})`,
    config: { ...cfg, batch: B, infer_history: inferLen },
    first_loss_ours: +l0.toFixed(6),
    first_loss_tfjs: +t0.toFixed(6),
    ours_step_ms: +median(oursT).toFixed(2),
    tfjs_step_ms: +median(tfT).toFixed(2),
    speedup: +(median(tfT) / median(oursT)).toFixed(2),
    ours_step_cpu_ms: +median(oursC).toFixed(1),
    tfjs_step_cpu_ms: +median(tfC).toFixed(1),
    cpu_time_speedup: +(median(tfC) / median(oursC)).toFixed(2),
    ours_infer_ms: +median(oursIT).toFixed(2),
    tfjs_infer_ms: +median(tfIT).toFixed(2),
    infer_speedup: +(median(tfIT) / median(oursIT)).toFixed(2),
    steps,
    subgroups: ctx.subgroups,
    row_kernels: subgroupRows ? 'subgroup' : 'invocation',
    ...(other ? rowKernelTimes(subgroupRows ? oursT : otherT, subgroupRows ? otherT : oursT) : {}),
    ours_dispatches_per_step: dispatches,
    scoring_product: scoring,
  };
  log(`training step: ours ${result.ours_step_ms} ms, TF.js ${result.tfjs_step_ms} ms -> ${result.speedup}x`);
  log(
    `inference (${inferLen}-event history, all ${cfg.items} items, top 10): ours ${result.ours_infer_ms} ms, TF.js ${result.tfjs_infer_ms} ms -> ${result.infer_speedup}x`,
  );
  log(`process CPU time per step: ours ${result.ours_step_cpu_ms} ms, TF.js ${result.tfjs_step_cpu_ms} ms -> ${result.cpu_time_speedup}x`);
  log(`dispatches per training step (ours): ${dispatches}`);
  if (other)
    log(
      `row kernels: a subgroup per row ${result.subgroup_rows_step_ms} ms, an invocation per row ${result.invocation_rows_step_ms} ms per step -> ${result.subgroup_rows_speedup}x (ours: ${result.row_kernels})`,
    );
  const share = scoring.share_of_peak === undefined ? '' : `, ${(100 * scoring.share_of_peak).toFixed(1)}% of the given peak ${scoring.peak_gflops} GFLOP/s`;
  log(
    `scoring product (${scoring.rows} x ${cfg.dim}) . (${cfg.dim} x ${cfg.items + 1}), ${scoring.variant}: ${scoring.ms_per_product} ms, ${scoring.gflops} GFLOP/s${share}`,
  );
  if (json) console.log(JSON.stringify(result));
}
