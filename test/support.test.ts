/** The test plumbing itself: TEST_SEED replays, a bad TEST_SEED is refused. */
import { describe, expect, it, vi } from 'vitest';

async function freshTestSeed(): Promise<() => number> {
  vi.resetModules();
  return (await import('./support')).testSeed;
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
