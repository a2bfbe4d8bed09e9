/**
 * Issue 18: the app's knowledge-tracing gate: the model trained on a learner's rated sessions before the
 * held-out block, its Brier score on that block against the learner's running success rate, per seed, on
 * the WGSL engine (lavapipe here) and the float64 CPU model. On a backup file (the built-in demo by
 * default), or with --simulated N on N simulated learners of the demo's story with other seeds (where the
 * defaults in src/model/config.ts were chosen; the demo itself was not used to choose them).
 *
 *   npm run bench:understanding -- [--file public/demo/demo.json | --simulated N] [--seeds 1,2,3] [--cpu] [--json]
 */
import { readFileSync } from 'node:fs';
import { gpu } from './webgpu-node';
import { GpuContext } from '../src/gpu/context';
import { heldOutCount, understandingCheck } from '../src/eval/understandingGate';
import { understandingData } from '../src/train/understandingData';
import { createUnderstandingModel, predictUnderstanding, trainUnderstanding } from '../src/train/understandingModel';
import { demoBackup, DEMO_SEED } from '../scripts/demo-data';
import type { Reading, StudySession } from '../src/data/types';

export async function main(args: string[]): Promise<void> {
  const arg = (name: string, d: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : d;
  };
  const simulated = Number(arg('simulated', '0'));
  const file = arg('file', 'public/demo/demo.json');
  const seeds = arg('seeds', '1,2,3').split(',').map(Number);
  const json = args.includes('--json');
  const engines = args.includes('--cpu') ? (['webgpu', 'cpu'] as const) : (['webgpu'] as const);
  const learners: { name: string; readings: Reading[]; sessions: StudySession[] }[] =
    simulated > 0
      ? Array.from({ length: simulated }, (_, k) => ({ name: `simulated ${k + 1}`, ...demoBackup(DEMO_SEED + 1000 * (101 + k)) }))
      : [{ name: file, ...(JSON.parse(readFileSync(file, 'utf8')) as { readings: Reading[]; sessions: StudySession[] }) }];
  const ctx = await GpuContext.create(gpu);
  const rows: Record<string, unknown>[] = [];
  for (const learner of learners) {
    const data = understandingData(learner.readings, learner.sessions);
    const n = data.attempts.length;
    const end = n - heldOutCount(n);
    for (const engineName of engines) {
      for (const seed of seeds) {
        const engine = await createUnderstandingModel(data, engineName === 'webgpu' ? ctx : null, seed);
        const t0 = performance.now();
        await trainUnderstanding(engine, data, { end, seed });
        const trainMs = performance.now() - t0;
        const queries = data.attempts.slice(end).map((a, i) => ({ end: end + i, skill: a.skill }));
        const check = understandingCheck(data.attempts, await predictUnderstanding(engine, data, queries));
        rows.push({ learner: learner.name, engine: engineName, seed, attempts: n, ...check, train_ms: Math.round(trainMs) });
        if (!json)
          console.log(
            `${learner.name}, ${engineName}, seed ${seed}: ${check.verdict} on ${check.heldOut} held out of ${n}; Brier ${check.modelError?.toFixed(4)} against the running rate's ${check.baselineError?.toFixed(4)} (${Math.round(trainMs)} ms)`,
          );
      }
    }
  }
  const passed = rows.filter((r) => r.verdict === 'passed').length;
  const ratio = rows.reduce((a, r) => a + (r.modelError as number) / (r.baselineError as number), 0) / rows.length;
  if (json) console.log(JSON.stringify({ adapter: ctx.adapterName, passed, runs: rows.length, mean_error_ratio: +ratio.toFixed(4), rows }));
  else console.log(`passed ${passed} of ${rows.length}; mean error ratio (model / running rate) ${ratio.toFixed(3)}; adapter ${ctx.adapterName}`);
}
