import { defineConfig } from '@playwright/test';

// Debian's Chromium (the test tool's own browser download is not used).
const baseArgs = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

// --enable-unsafe-webgpu gives navigator.gpu on localhost; without a GPU,
// Chromium falls back to its SwiftShader adapter (slow but correct).
// On a machine with a GPU: E2E_REAL_GPU=1 npx playwright test. Headless there
// has no display, so Vulkan must not ask for surfaces (without
// --disable-vulkan-surface vkCreateInstance fails and WebGPU falls back to
// SwiftShader); GL goes through ANGLE on Vulkan. Checked on an NVIDIA H100.
export const chromiumArgs = [
  ...baseArgs,
  '--enable-unsafe-webgpu',
  ...(process.env.E2E_REAL_GPU
    ? ['--enable-features=Vulkan,VulkanFromANGLE', '--use-gl=angle', '--use-angle=vulkan', '--disable-vulkan-surface', '--enable-gpu', '--ignore-gpu-blocklist']
    : ['--enable-features=Vulkan']),
];

// WebGPU with no adapter: navigator.gpu exists but requestAdapter() gives
// null. Without --enable-unsafe-webgpu there is no SwiftShader adapter, and
// --disable-gpu keeps a real GPU (where Chromium enables WebGPU by default)
// out as well.
export const noAdapterArgs = [...baseArgs, '--disable-gpu'];

// E2E_PORT: another port when 4173 is taken (two checkouts testing side by side).
const port = Number(process.env.E2E_PORT ?? 4173);

export default defineConfig({
  testDir: 'e2e',
  timeout: 300_000,
  workers: 1,
  reporter: [['list']],
  use: { baseURL: `http://localhost:${port}`, launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs } },
  webServer: {
    // E2E_SERVER_CMD serves a prebuilt dist/ where Vite is not installed (the GPU machine: scripts/device-e2e.sh).
    command: process.env.E2E_SERVER_CMD ?? `npx vite build && npx vite preview --port ${port} --strictPort`,
    url: `http://localhost:${port}`,
    reuseExistingServer: false,
    timeout: 120_000,
  },
});
