// Lint rules for the whole tree. Non-type-checked typescript-eslint rules (fast on
// two cores), React hooks rules for the UI, and one layering rule the import
// graph cannot see: only src/gpu may use the WebGPU API (navigator.gpu, the
// GPU* globals), and the UI (src/app) may not even name a WebGPU type. Import order between layers is checked by
// dependency-cruiser (.dependency-cruiser.cjs).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const webgpuGlobals = ['GPUBufferUsage', 'GPUShaderStage', 'GPUMapMode', 'GPUTextureUsage', 'GPUColorWrite'];
const webgpuMessage = 'Only src/gpu talks to the WebGPU API; go through GpuContext.';
const navigatorGpu = { selector: "MemberExpression[property.name='gpu'][object.property.name='navigator']", message: webgpuMessage };

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'reports/', 'playwright-report/', 'test-results/', 'bench/out/', '.device/', '.gl/', 'public/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  { files: ['src/app/**/*.{ts,tsx}'], plugins: { 'react-hooks': reactHooks }, rules: { ...reactHooks.configs.recommended.rules } },
  {
    // Everything above src/gpu reaches the GPU only through src/gpu.
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/gpu/**'],
    rules: {
      'no-restricted-globals': ['error', ...webgpuGlobals.map((name) => ({ name, message: webgpuMessage }))],
      'no-restricted-properties': ['error', { object: 'navigator', property: 'gpu', message: webgpuMessage }],
      'no-restricted-syntax': ['error', navigatorGpu],
    },
  },
  {
    // The UI does not even name a WebGPU type: it sees the engine through the worker and src/eval.
    files: ['src/app/**/*.{ts,tsx}'],
    rules: { 'no-restricted-syntax': ['error', navigatorGpu, { selector: 'Identifier[name=/^GPU[A-Z]/]', message: 'The UI never touches the WebGPU API.' }] },
  },
);
