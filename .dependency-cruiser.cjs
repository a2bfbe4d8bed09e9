/**
 * The layering check (npm run lint). Imports run one way:
 *
 *   shaders → gpu → kernels → model (reference beside it) → train (data beside it)
 *     → (eval, recommend) → worker → app
 *
 * A module may import its own layer and the layers before it, never one after.
 * data/ (IndexedDB, imports) sits beside train/ and depends on no other layer.
 * The UI (src/app) never touches the WebGPU API: it does not import src/gpu or
 * src/kernels (ESLint also forbids navigator.gpu and GPU* names outside src/gpu).
 */
const layers = {
  gpu: ['kernels', 'model', 'reference', 'data', 'train', 'eval', 'recommend', 'worker', 'app'],
  kernels: ['model', 'reference', 'data', 'train', 'eval', 'recommend', 'worker', 'app'],
  model: ['reference', 'data', 'train', 'eval', 'recommend', 'worker', 'app'],
  reference: ['data', 'train', 'eval', 'recommend', 'worker', 'app'],
  data: ['gpu', 'kernels', 'model', 'reference', 'train', 'eval', 'recommend', 'worker', 'app'],
  train: ['eval', 'recommend', 'worker', 'app'],
  eval: ['worker', 'app'],
  recommend: ['worker', 'app'],
  worker: ['app'],
  app: ['gpu', 'kernels'],
};

const alt = (names) => `^src/(${names.join('|')})/`;

module.exports = {
  forbidden: [
    ...Object.entries(layers).map(([from, notTo]) => ({
      name: `layer-${from}`,
      comment: `src/${from} may not import src/${notTo.join(', src/')} (see the layer order at the top of .dependency-cruiser.cjs)`,
      severity: 'error',
      from: { path: `^src/${from}/` },
      to: { path: alt(notTo) },
    })),
    {
      name: 'no-circular',
      comment: 'Modules that import each other cannot be read (or split) one at a time.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'src-not-to-tests',
      comment: 'The app does not import tests, benchmarks or scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts|e2e)/' },
    },
    { name: 'not-to-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
