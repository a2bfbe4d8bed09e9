/**
 * The worker's ModelService driven as the worker drives it, over the built-in demo in an IndexedDB
 * (fake-indexeddb), on a fake clock; and the checks its answers must pass. Shared by the trainer and
 * service tests.
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { create, globals } from 'webgpu';
import { openStudyDb, parseBackup, type Backup } from '../../src/data/db';
import { Repo } from '../../src/data/repo';
import type { Reading } from '../../src/data/types';
import type { FromWorker, ModelInfo, PlannedStep, Recommendation } from '../../src/worker/protocol';
import { ModelService, type ServiceOptions } from '../../src/worker/service';

Object.assign(globalThis, globals);
export const newGpu = () => create([]) as unknown as GPU;
export const demo: Backup = parseBackup(readFileSync('public/demo/demo.json', 'utf8'), 'demo.json');
/** The page's time in plan requests: the day the demo was exported (its reviews due then are few). */
export const PLAN_NOW = demo.exportedAt;
let n = 0;

/** Let every timer and I/O callback queued so far run (a few turns of the event loop), without waiting on a clock. */
export async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

/** Index of the first byte where two checkpoints differ, -1 when equal (a diff of megabytes would stall the reporter). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  return a.findIndex((x, i) => x !== b[i]);
}

/** The services' fake clock moves this far with each progress message: time budgets become step counts. */
export const MS_PER_PROGRESS = 1000;

export async function demoRepo(): Promise<Repo> {
  const repo = new Repo(await openStudyDb(`trainer-${Date.now()}-${n++}`));
  await repo.restore(demo, 'the demo');
  return repo;
}

/**
 * A service with everything it posts collected, on a fake clock that moves MS_PER_PROGRESS with each
 * progress message (so a time budget ends after a known number of steps on any machine). `react` sees each
 * message as it is posted, before the trainer takes its next step: tests steer the run at exact steps.
 */
export function service(repo: Repo, gpu: GPU, react?: (m: FromWorker, s: ModelService) => void, more: Partial<ServiceOptions> = {}) {
  const got: FromWorker[] = [];
  let now = 0;
  const s: ModelService = new ModelService(
    repo,
    (m) => {
      got.push(m);
      if (m.type === 'progress') now += MS_PER_PROGRESS;
      react?.(m, s);
    },
    { gpu, progressEveryMs: 0, clock: () => now, ...more },
  );
  const last = <T extends FromWorker['type']>(type: T) => [...got].reverse().find((m) => m.type === type) as Extract<FromWorker, { type: T }> | undefined;
  const info = () => last('info')?.info as ModelInfo;
  return { s, got, last, info };
}

/**
 * Leave-one-out explanations as the page gets them: raised readings first, then lowered ones, each a whole
 * percent of the history's total effect (so together at most 100), never the explained reading itself;
 * and at least one item explained.
 */
export function checkExplained(recs: Recommendation[] | PlannedStep[]) {
  expect(recs.length).toBeGreaterThan(0);
  for (const r of recs) {
    const why = `${r.readingId}: ${JSON.stringify(r.because)}`;
    expect(
      r.because.reduce((a, b) => a + b.percent, 0),
      why,
    ).toBeLessThanOrEqual(100);
    expect(
      r.because.every((b) => b.percent >= 1 && b.readingId !== r.readingId),
      why,
    ).toBe(true);
    const lowered = r.because.map((b) => b.lowered === true);
    expect(lowered, why).toEqual([...lowered].sort()); // false (raised) before true (lowered)
  }
  expect(recs.some((r) => r.because.length > 0)).toBe(true);
}

export function checkPath(steps: PlannedStep[], minutes: number, readings: Reading[]) {
  const byId = new Map(readings.map((r) => [r.id, r]));
  const seen = new Set<string>();
  expect(steps.reduce((a, s) => a + s.minutes, 0)).toBeLessThanOrEqual(minutes);
  for (const s of steps) {
    const r = byId.get(s.readingId)!;
    expect(r.status === 'hidden').toBe(false);
    for (const p of r.prerequisites) expect(byId.get(p)!.status === 'finished' || seen.has(p), `${s.readingId} before its prerequisite ${p}`).toBe(true);
    seen.add(s.readingId);
  }
}
