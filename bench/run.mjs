// Run a TypeScript benchmark through Vite's module runner (so shaders load as
// they do in the app and the tests): node bench/run.mjs bench/FILE.ts [args]
import { runnerImport } from 'vite';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/run.mjs bench/FILE.ts [args]');
  process.exit(2);
}
// TF.js (the speed benchmark's peer) ships its gradients only as ESM sources
// with extension-less imports, which Node cannot load but Vite can: inline
// every @tensorflow package and point the bare names at their ESM entries,
// so that all of them share one tfjs-core.
const tfjs = ['tfjs-core', 'tfjs-backend-webgpu', 'tfjs-backend-cpu'].map((p) => ({
  find: new RegExp(`^@tensorflow/${p}$`),
  replacement: resolve(`node_modules/@tensorflow/${p}/dist/index.js`),
}));
// tfjs-core's Node platform shim calls require('util').
globalThis.require ??= createRequire(import.meta.url);
const { module } = await runnerImport(resolve(file), { logLevel: 'error', configFile: false, resolve: { noExternal: [/^@tensorflow\//], alias: tfjs } });
try {
  await module.main(args);
  process.exit(0);
} catch (e) {
  console.error(e instanceof Error ? (e.stack ?? e.message) : e);
  process.exit(1);
}
