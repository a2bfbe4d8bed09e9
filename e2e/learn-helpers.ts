import type { Page } from '@playwright/test';

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

export async function percentSums(page: Page, scope: string): Promise<number[]> {
  const items = page.getByTestId(scope);
  const n = await items.count();
  const sums: number[] = [];
  for (let i = 0; i < n; i++) {
    const texts = await items.nth(i).getByTestId('because-percent').allTextContents();
    sums.push(texts.reduce((a, t) => a + Number(t.replace('%', '')), 0));
  }
  return sums;
}
