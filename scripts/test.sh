#!/usr/bin/env bash
# The whole test suite: installs what it needs, type-checks, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then npm ci; fi
bash scripts/setup-software-gpu.sh
echo "== type check"
npx tsc -p tsconfig.json
echo "== unit, kernel and model tests (Vitest, WebGPU through Dawn on Vulkan)"
mkdir -p test-results
status=0
bash scripts/gpu-env.sh npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@" || status=$?
node -e '
const r = JSON.parse(require("fs").readFileSync("test-results/vitest.json", "utf8"));
console.log(`vitest: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
if (r.numTotalTests === 0) process.exit(1);
' || status=1
exit $status
