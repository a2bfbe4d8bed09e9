/**
 * Builds bench/device-main.ts into one ES module for the GPU machine: our
 * sources, the WGSL and TF.js inlined; only Dawn's native binding (`webgpu`)
 * and Node's built-ins stay outside.
 */
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

const tfjs = ['tfjs-core', 'tfjs-backend-webgpu', 'tfjs-backend-cpu'].map((p) => ({
  find: new RegExp(`^@tensorflow/${p}$`),
  replacement: resolve(`node_modules/@tensorflow/${p}/dist/index.js`),
}));

export default defineConfig({
  logLevel: 'warn',
  publicDir: false,
  resolve: { alias: tfjs },
  ssr: { noExternal: true, external: ['webgpu'] },
  build: {
    ssr: resolve('bench/device-main.ts'),
    outDir: '.device/app',
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: {
      external: ['webgpu', /^node:/],
      output: {
        format: 'esm',
        entryFileNames: 'device.mjs',
        // tfjs-core's Node platform shim calls require('util').
        banner: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
      },
    },
  },
});
