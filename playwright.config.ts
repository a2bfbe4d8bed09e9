import { defineConfig } from '@playwright/test';

// Debian's Chromium (the test tool's own browser download is not used).
// --enable-unsafe-webgpu gives navigator.gpu on localhost; without a GPU,
// Chromium falls back to its SwiftShader adapter (slow but correct).
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  // On a machine with a GPU: E2E_REAL_GPU=1 npx playwright test
  ...(process.env.E2E_REAL_GPU ? ['--use-angle=vulkan', '--ignore-gpu-blocklist'] : []),
];

const port = 4173;

export default defineConfig({
  testDir: 'e2e',
  timeout: 300_000,
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
  },
  webServer: {
    command: `npx vite build && npx vite preview --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
