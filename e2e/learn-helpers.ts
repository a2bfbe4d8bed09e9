import type { Page } from '@playwright/test';

/** A short training budget, and a record of main-thread long tasks. */
export async function setUp(page: Page, seconds: number) {
  await page.addInitScript((s) => {
    localStorage.setItem('studypath.trainSeconds', String(s));
    const w = window as unknown as { longTasks: number[] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  }, seconds);
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
