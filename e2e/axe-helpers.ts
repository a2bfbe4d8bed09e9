import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

/**
 * axe's violations on the page as it is, as "rule: target" lines (empty when none): every default rule, nothing
 * excluded, and the experimental label/name rule (`label-content-name-mismatch`: a control's visible text is part
 * of its accessible name) switched on.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).options({ rules: { 'label-content-name-mismatch': { enabled: true } } }).analyze();
  // The experimental rule has run, not merely been skipped.
  expect([...result.passes, ...result.inapplicable, ...result.incomplete, ...result.violations].map((r) => r.id)).toContain('label-content-name-mismatch');
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}
