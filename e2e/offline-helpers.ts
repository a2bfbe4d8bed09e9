import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';

/** Every file of a build, as site paths, except the service worker script itself (the browser keeps that apart). */
export function builtFiles(dir = 'dist', prefix = '/'): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? builtFiles(join(dir, e.name), `${prefix}${e.name}/`) : e.name === 'sw.js' ? [] : [`${prefix}${e.name}`]))
    .sort();
}

/**
 * The paths (query strings dropped: Workbox keys unhashed files by revision) of
 * everything in the page's Cache Storage, or a note when no service worker
 * controls the page yet.
 */
export function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    if (!navigator.serviceWorker.controller) return ['(no service worker controls the page yet)'];
    const paths = new Set<string>();
    for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) paths.add(new URL(req.url).pathname);
    return [...paths].sort();
  });
}
