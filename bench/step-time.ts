/**
 * Time of one training step (forward, backward, AdamW) for a configuration,
 * on the GPU engine and on the CPU reference, in the same process.
 *   node bench/run.mjs bench/step-time.ts [--steps N] [--cpu-steps N] [--json]
 *     [--items N --maxlen N --dim N --blocks N --heads N --batch N --loss bce|ce]
 * Defaults: the engine issue's configuration (maxlen 50, dim 64, 2 blocks,
 * 2 heads, batch 128, 23,715 items, BCE). Every position carries a loss.
 */
import { gpu } from './webgpu-node';
import { GpuContext, acquireDevice } from '../src/gpu/context';
import { GpuEngine } from '../src/model/engine';
import { ReferenceModel } from '../src/reference/model';
import { DEFAULT_CONFIG, makeConfig, type ModelConfig } from '../src/model/config';
import { Rng } from '../src/model/random';
import { sequenceBatch } from '../src/train/sampling';

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function main(args: string[]): Promise<void> {
  const num = (n: string, d: number) => Number(arg(args, n) ?? d);
  const cfg: ModelConfig = makeConfig({
    items: num('items', DEFAULT_CONFIG.items),
    maxlen: num('maxlen', DEFAULT_CONFIG.maxlen),
    dim: num('dim', DEFAULT_CONFIG.dim),
    blocks: num('blocks', DEFAULT_CONFIG.blocks),
    heads: num('heads', DEFAULT_CONFIG.heads),
    ffnDim: num('ffn', num('dim', DEFAULT_CONFIG.dim)),
    dropout: 0.2,
    loss: (arg(args, 'loss') as 'bce' | 'ce') ?? 'bce',
  });
  const B = num('batch', 128);
  const steps = num('steps', 20);
  const cpuSteps = num('cpu-steps', 3);
  const json = args.includes('--json');
  const log = (s: string) => (json ? process.stderr.write(s + '\n') : console.log(s));
  const rng = new Rng(1);
  const seqs = Array.from({ length: B }, () => Array.from({ length: cfg.maxlen + 1 }, () => rng.int(1, cfg.items + 1)));
  const batches = Array.from({ length: 4 }, () =>
    sequenceBatch(cfg, seqs, B, rng, { candidates: cfg.loss === 'ce' ? 1024 : 0, maxCandidates: 1024 + B * cfg.maxlen }),
  );

  const ctx = new GpuContext(await acquireDevice(gpu));
  log(`adapter: ${ctx.adapterName}`);
  log(`config: ${JSON.stringify(cfg)} batch ${B}`);
  const eng = await GpuEngine.create(ctx, cfg, { batchSize: B, maxCandidates: 1024 + B * cfg.maxlen });
  for (let i = 0; i < 3; i++) await eng.trainStep(batches[i % 4]); // warm-up: pipelines, first dispatch
  const gpuTimes: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    await eng.trainStep(batches[i % 4]); // waits for the loss: one whole step, GPU finished
    gpuTimes.push(performance.now() - t0);
  }
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await eng.trainStep(batches[i % 4], false);
  await eng.sync();
  const pipelined = (performance.now() - t0) / steps;
  log(`GPU engine: median ${median(gpuTimes).toFixed(1)} ms/step (synchronous), ${pipelined.toFixed(1)} ms/step back-to-back, ${steps} steps`);

  const ref = new ReferenceModel(cfg, { batchSize: B });
  const cpuTimes: number[] = [];
  for (let i = 0; i < cpuSteps; i++) {
    const c0 = performance.now();
    ref.trainStep(batches[i % 4]);
    cpuTimes.push(performance.now() - c0);
  }
  log(`CPU reference (float64): median ${median(cpuTimes).toFixed(0)} ms/step, ${cpuSteps} steps`);
  const result = {
    adapter: ctx.adapterName,
    config: { ...cfg, batch: B },
    gpu_step_ms: +median(gpuTimes).toFixed(2),
    gpu_step_ms_pipelined: +pipelined.toFixed(2),
    cpu_step_ms: +median(cpuTimes).toFixed(1),
    cpu_over_gpu: +(median(cpuTimes) / median(gpuTimes)).toFixed(2),
  };
  if (json) console.log(JSON.stringify(result));
  else log(`CPU / GPU step time: ${result.cpu_over_gpu}x`);
  ctx.destroy();
}
