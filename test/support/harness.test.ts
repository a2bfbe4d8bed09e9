/**
 * The test plumbing itself: TEST_SEED replays, a bad TEST_SEED is refused,
 * and until() waits for a state or fails naming it.
 */
import { describe, expect, it, vi } from 'vitest';
import { until } from './harness';

async function freshTestSeed(): Promise<() => number> {
  vi.resetModules();
  return (await import('./harness')).testSeed;
}

describe('testSeed', () => {
  it('returns TEST_SEED when set, the same for every call in a file', async () => {
    vi.stubEnv('TEST_SEED', '123456');
    try {
      const testSeed = await freshTestSeed();
      expect(testSeed()).toBe(123456);
      expect(testSeed()).toBe(123456);
    } finally {
      vi.unstubAllEnvs();
    }
  });
  it('refuses a TEST_SEED that is not a whole number', async () => {
    for (const bad of ['x', '-1', '1.5']) {
      vi.stubEnv('TEST_SEED', bad);
      try {
        const testSeed = await freshTestSeed();
        expect(() => testSeed(), bad).toThrow(/TEST_SEED must be a whole number/);
      } finally {
        vi.unstubAllEnvs();
      }
    }
  });
});

describe('until', () => {
  it('resolves once the condition holds, after the events that make it hold', async () => {
    let ticks = 0;
    const tick = () => {
      ticks++;
      if (ticks < 5) setTimeout(tick, 0);
    };
    setTimeout(tick, 0);
    await until(() => ticks === 5, 'five ticks');
    expect(ticks).toBe(5);
  });
  it('fails naming what it waited for when the ceiling passes', async () => {
    await expect(until(() => false, 'a state that never comes', 20)).rejects.toThrow(/gave up waiting for a state that never comes after 20 ms/);
  });
});
