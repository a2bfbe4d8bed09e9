/**
 * The engine check shown on the start page: trains the model on a synthetic
 * rule with the WGSL engine (or the CPU reference where WebGPU is missing)
 * and reports held-out HR@10 as it goes. Batches are small and every step
 * yields to the event loop, so the page stays responsive.
 */
import { GpuContext } from '../gpu/context';
import { GpuEngine } from '../model/engine';
import { ReferenceModel } from '../reference/model';
import { ENGINE_CHECK, makeConfig } from '../model/config';
import { Rng } from '../model/random';
import { rankOf } from '../train/metrics';
import { sequenceBatch, shuffled } from '../train/sampling';
import { pairRuleTask } from './synthetic';

export interface CheckProgress {
  step: number;
  steps: number;
  loss: number;
  hr10: number | null;
  backend: string;
}

export async function runEngineCheck(onProgress: (p: CheckProgress) => void, signal: AbortSignal, steps: number = ENGINE_CHECK.steps): Promise<CheckProgress> {
  const task = pairRuleTask(40, 12);
  const cfg = makeConfig({ items: task.items, maxlen: task.length, ...ENGINE_CHECK.model });
  const B = ENGINE_CHECK.batchSize;
  const rng = new Rng(ENGINE_CHECK.seed);
  const train = task.sequences(600, rng);
  const test = task.sequences(100, rng);
  let backend: string;
  let trainStep: (batch: ReturnType<typeof sequenceBatch>, read: boolean) => Promise<number>;
  let score: (h: number[]) => Promise<ArrayLike<number>>;
  try {
    const ctx = await GpuContext.create();
    const eng = await GpuEngine.create(ctx, cfg, { batchSize: B, seed: ENGINE_CHECK.seed, optimizer: { lr: ENGINE_CHECK.lr } });
    backend = `WebGPU: ${ctx.adapterName}`;
    trainStep = (b, read) => eng.trainStep(b, read);
    score = (h) => eng.scoreAll(h);
  } catch (e) {
    const ref = new ReferenceModel(cfg, { batchSize: B, seed: ENGINE_CHECK.seed, optimizer: { lr: ENGINE_CHECK.lr } });
    backend = `CPU reference (WebGPU unavailable: ${e instanceof Error ? e.message : String(e)})`;
    trainStep = async (b) => ref.trainStep(b);
    score = async (h) => ref.scoreAll(h);
  }
  const hr10 = async () => {
    let hits = 0;
    for (const s of test) if (rankOf(await score(s.slice(0, -1)), s[s.length - 1]) < 10) hits++;
    return hits / test.length;
  };
  let p: CheckProgress = { step: 0, steps, loss: NaN, hr10: null, backend };
  onProgress(p);
  p = { ...p, hr10: await hr10() };
  onProgress(p);
  let order: number[] = [];
  for (let step = 1; step <= steps; step++) {
    if (signal.aborted) break;
    if (order.length < B) order = shuffled(train.length, rng);
    const rows = order.splice(0, B).map((i) => train[i]);
    const report = step % 10 === 0 || step === steps;
    const loss = await trainStep(sequenceBatch(cfg, rows, B, rng, { skipTargets: 1 }), report);
    if (report) {
      p = { ...p, step, loss, hr10: step === steps || step === Math.round(steps / 2) ? await hr10() : p.hr10 };
      onProgress(p);
    }
    await new Promise((r) => setTimeout(r, 0));
  }
  return p;
}
