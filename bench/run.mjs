// Run a TypeScript benchmark through Vite's module runner (so shaders load as
// they do in the app and the tests): node bench/run.mjs bench/FILE.ts [args]
import { runnerImport } from 'vite';
import { resolve } from 'node:path';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/run.mjs bench/FILE.ts [args]');
  process.exit(2);
}
const { module } = await runnerImport(resolve(file), { logLevel: 'error', configFile: false });
try {
  await module.main(args);
  process.exit(0);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
}
