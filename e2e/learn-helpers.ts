import { expect, type Page } from '@playwright/test';

/**
 * Training bounded by epochs, not seconds (localStorage `studypath.trainEpochs`: the same work on a quiet
 * or a busy machine), a record of main-thread long tasks, and a count of main-thread WebGPU adapter requests.
 */
export async function setUp(page: Page, epochs: number) {
  await page.addInitScript((n) => {
    localStorage.setItem('studypath.trainEpochs', String(n));
    const w = window as unknown as { longTasks: number[]; mainThreadAdapters: number };
    w.longTasks = [];
    // Every WebGPU adapter the page's main thread asks for (the training worker has its own navigator.gpu).
    w.mainThreadAdapters = 0;
    const gpu = navigator.gpu as GPU | undefined;
    if (gpu) {
      const request = gpu.requestAdapter.bind(gpu);
      gpu.requestAdapter = (options) => {
        w.mainThreadAdapters++;
        return request(options);
      };
    }
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  }, epochs);
}

/**
 * Each item of `scope` (recommendation, path-step): with `explained`, its reasons are leave-one-out shares,
 * whole percents of one total (so at most 100 together); without, the item says why there are none.
 */
export async function checkBecause(page: Page, scope: string, explained: boolean) {
  const items = page.getByTestId(scope);
  const n = await items.count();
  expect(n).toBeGreaterThan(0);
  for (let i = 0; i < n; i++) {
    const item = items.nth(i);
    if (!explained) {
      await expect(item.getByTestId('because-gate')).toHaveText(/^No reasons given: .* does not beat suggesting the most-read readings/);
      continue;
    }
    const texts = await item.getByTestId('because-percent').allTextContents();
    for (const t of texts) expect(t).toMatch(/^\d+ %$/);
    expect(texts.reduce((a, t) => a + parseInt(t, 10), 0)).toBeLessThanOrEqual(100);
  }
  if (explained) expect(await page.getByTestId(scope).getByTestId('because').count()).toBeGreaterThan(0);
}

/** Whether the page may give reasons (eval/validation.ts explanationGate): the model's validation hits above popularity's. */
export async function reasonsShown(page: Page): Promise<boolean> {
  const text = (await page.getByTestId('model-validation').textContent()) ?? '';
  const [, model, popularity] = text.match(/top 10 for (\d+) of .* instead: (\d+) of/) ?? [];
  expect(model, text).toBeDefined();
  console.log(`validation: model ${model} hits, popularity ${popularity}: reasons ${Number(model) > Number(popularity) ? 'shown' : 'withheld'}`);
  return Number(model) > Number(popularity);
}
