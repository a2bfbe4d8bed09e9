import type { Page } from '@playwright/test';

/**
 * Training bounded by epochs, not seconds (localStorage `studypath.trainEpochs`: the same work on a quiet
 * or a busy machine), and a record of main-thread long tasks.
 */
export async function setUp(page: Page, epochs: number) {
  await page.addInitScript((n) => {
    localStorage.setItem('studypath.trainEpochs', String(n));
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
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
