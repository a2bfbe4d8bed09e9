/**
 * Test plumbing shared by every test file, with no GPU or model imports:
 * the one source of random seeds and the one way to wait for a state.
 */
import { beforeEach, onTestFailed, type TestContext } from 'vitest';

/** Drawn at most once per test file (each file runs in its own module graph). */
let fileSeed: number | undefined;
const reported = new WeakSet<object>();

function drawSeed(): number {
  const env = process.env.TEST_SEED;
  const seed = env === undefined || env === '' ? Math.floor(Math.random() * 2 ** 31) : Number(env);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`TEST_SEED must be a whole number from 0, got "${env}"`);
  return seed;
}

/**
 * The seed of this test file's random inputs: fresh each run, or TEST_SEED
 * when set. Every call in one file returns the same seed, so one number
 * replays the whole file. When a test that asked for the seed fails, one
 * stderr line names the test and the seed and gives the command that
 * replays its file. Call it inside a test (that test is covered) or at the
 * top of a file or describe (every test below it is covered).
 */
export function testSeed(): number {
  fileSeed ??= drawSeed();
  const seed = fileSeed;
  const report = ({ task }: TestContext) => {
    if (reported.has(task)) return;
    reported.add(task);
    // The whole file, not just this test: tests in one file may share a random stream.
    const replay = `TEST_SEED=${seed} bash scripts/gpu-env.sh npx vitest run ${task.file.name}`;
    console.error(`randomized test failed: ${task.fullName} drew TEST_SEED=${seed}; replay it with\n  ${replay}`);
  };
  try {
    onTestFailed(report);
  } catch (e) {
    if (!(e instanceof Error && /inside a test/.test(e.message))) throw e;
    // Not inside a test: the file or describe being collected. Cover each test below it.
    beforeEach(() => onTestFailed(report));
  }
  return seed;
}

/**
 * Waits until `cond()` holds, polling on timers (so other tasks, events and
 * messages run in between). Fails, naming `what`, if the ceiling passes first:
 * the ceiling is a generous safety net, never the thing a test measures.
 * It needs real timers (not vi.useFakeTimers()) to poll.
 */
export async function until(cond: () => boolean, what = 'the condition', ceilingMs = 60_000): Promise<void> {
  const start = performance.now();
  let wait = 1;
  while (!cond()) {
    if (performance.now() - start > ceilingMs) throw new Error(`gave up waiting for ${what} after ${ceilingMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, 50);
  }
}
