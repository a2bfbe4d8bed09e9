/**
 * Issue 18: the app's knowledge-tracing gate: the model trained on a learner's rated sessions before the
 * held-out block, its Brier score on that block against the learner's running success rate, per seed, on
 * the WGSL engine (lavapipe here) and the float64 CPU model. On a backup file (the built-in demo by
 * default), or with --simulated N on N simulated learners of the demo's story with other seeds (where the
 * defaults in src/model/config.ts were chosen; the demo itself was not used to choose them).
 *
 * With --kt FILE (the three-line format of ../shared/datasets/assist2015), each of the file's first N learners
 * with 40 to 400 attempts (--learners N, 30 by default) is taken as one app user: real outcomes the repository
 * does not have, with the file's skills as topics.
 *
 *   npm run bench:understanding -- [--file public/demo/demo.json | --simulated N | --kt FILE [--learners N]] [--seeds 1,2,3] [--cpu] [--json]
 */
import { readFileSync } from 'node:fs';
import { gpu } from './webgpu-node';
import { GpuContext } from '../src/gpu/context';
import { heldOutCount, understandingCheck } from '../src/eval/understandingGate';
import { understandingData, type UnderstandingData } from '../src/train/understandingData';
import { createUnderstandingModel, predictUnderstanding, trainUnderstanding } from '../src/train/understandingModel';
import { demoBackup, DEMO_SEED } from '../scripts/demo-data';
import type { Reading, StudySession } from '../src/data/types';
import { parseKtFile, type KtLearner } from '../src/data/ktFormat';
import { flag } from './cli';

/** One learner of a knowledge-tracing file as the app's data: skill k is topic "k", attempts in file order. */
function ktLearnerData(l: KtLearner): UnderstandingData {
  const ids = [...new Set(l.skills)].sort((a, b) => a - b);
  const skillOf = new Map(ids.map((id, i) => [String(id), i + 1]));
  const attempts = l.skills.map((s, i) => ({
    sessionId: `a${i}`,
    readingId: `skill-${s}`,
    at: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    skill: skillOf.get(String(s))!,
    understood: l.correct[i] as 0 | 1,
    score: l.correct[i] * 100,
  }));
  return { topics: ids.map(String), skillOf, attempts, key: '' };
}

export async function main(args: string[]): Promise<void> {
  const arg = (name: string, d: string) => flag(args, name, d);
  const simulated = Number(arg('simulated', '0'));
  const file = arg('file', 'public/demo/demo.json');
  const seeds = arg('seeds', '1,2,3').split(',').map(Number);
  const json = args.includes('--json');
  const engines = args.includes('--cpu') ? (['webgpu', 'cpu'] as const) : (['webgpu'] as const);
  const kt = arg('kt', '');
  const fromBackup = (b: { readings: Reading[]; sessions: StudySession[] }) => understandingData(b.readings, b.sessions);
  const learners: { name: string; data: UnderstandingData }[] = kt
    ? parseKtFile(readFileSync(kt, 'utf8'), kt)
        .filter((l) => l.skills.length >= 40 && l.skills.length <= 400)
        .slice(0, Number(arg('learners', '30')))
        .map((l, k) => ({ name: `${kt} learner ${k + 1}`, data: ktLearnerData(l) }))
    : simulated > 0
      ? Array.from({ length: simulated }, (_, k) => ({ name: `simulated ${k + 1}`, data: fromBackup(demoBackup(DEMO_SEED + 1000 * (101 + k))) }))
      : [{ name: file, data: fromBackup(JSON.parse(readFileSync(file, 'utf8')) as { readings: Reading[]; sessions: StudySession[] }) }];
  const ctx = await GpuContext.create(gpu);
  const rows: Record<string, unknown>[] = [];
  for (const learner of learners) {
    const { data } = learner;
    const n = data.attempts.length;
    const end = n - heldOutCount(n);
    for (const engineName of engines) {
      for (const seed of seeds) {
        const engine = await createUnderstandingModel(data, engineName === 'webgpu' ? ctx : null, seed);
        const t0 = performance.now();
        await trainUnderstanding(engine, data, { end, seed });
        if (engineName === 'webgpu') await ctx.sync(); // the steps are only submitted: time them done
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
