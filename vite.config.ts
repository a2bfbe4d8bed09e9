/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * A strict Content-Security-Policy for the built app: scripts and connections
 * only from our own origin. Added at build time only, because the dev
 * server injects an inline script (React refresh) that it would block.
 */
function contentSecurityPolicy(): Plugin {
  const csp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'self'";
  return {
    name: 'content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: csp }, injectTo: 'head-prepend' }],
  };
}

/**
 * Offline from the first visit: vite-plugin-pwa builds src/sw/sw.ts into
 * dist/sw.js with the Workbox code it uses bundled in (nothing from a CDN),
 * and Workbox writes the list of every built file, with a revision each, into
 * it (self.__WB_MANIFEST).
 * public/manifest.webmanifest stays the manifest; src/main.tsx registers.
 */
function offline() {
  return VitePWA({
    strategies: 'injectManifest',
    srcDir: 'src/sw',
    filename: 'sw.ts',
    manifest: false,
    injectRegister: false,
    injectManifest: {
      // Everything the build emits: bundles, the training worker chunk, index.html, icons, manifest, demo data.
      globPatterns: ['**/*'],
      // Workbox skips (with only a warning) files above its limit, 2 MiB by default; the demo may grow.
      maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
    },
  });
}

export default defineConfig({
  plugins: [react(), contentSecurityPolicy(), offline()],
  build: { target: 'es2022' },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 600_000,
    hookTimeout: 120_000,
    // One GPU device per worker is plenty on two cores; kernels are the bottleneck.
    pool: 'forks',
    maxWorkers: 2,
  },
});
