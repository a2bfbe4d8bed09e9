#!/usr/bin/env bash
# The whole test suite: installs what it needs, type-checks, lints, runs every test
# (Vitest in Node on a WebGPU adapter, then Playwright in Chromium).
set -uo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci || exit 1
bash scripts/setup-software-gpu.sh || exit 1
bash scripts/setup-browser.sh || exit 1
mkdir -p reports
status=0

echo "== type check"
typecheck_failed=0
npx tsc -p tsconfig.json || { status=1; typecheck_failed=1; }

# A lint failure counts as one failed check in the summary below.
echo "== lint: eslint, prettier, layering (npm run lint)"
lint_failed=0
bash scripts/lint.sh || { lint_failed=1; status=1; }

echo "== unit, kernel and model tests (Vitest; WebGPU through Dawn on Vulkan)"
rm -f reports/vitest.json reports/e2e.json
bash scripts/gpu-env.sh npx vitest run --reporter=default --reporter=json --outputFile.json=reports/vitest.json || status=1

echo "== browser tests (Playwright in Chromium with WebGPU)"
PLAYWRIGHT_JSON_OUTPUT_NAME=reports/e2e.json npx playwright test --reporter=list,json || status=1

TYPECHECK_FAILED=$typecheck_failed LINT_FAILED=$lint_failed node -e '
const fs = require("fs");
let passed = 0, failed = 0, ran = 0;
if (process.env.LINT_FAILED === "1") { failed += 1; console.log("lint: failed"); }
try {
  const v = JSON.parse(fs.readFileSync("reports/vitest.json", "utf8"));
  passed += v.numPassedTests; failed += v.numFailedTests; ran += v.numTotalTests;
  // A test file that failed to load or crashed outside its tests fails the run with no failed test in it.
  if (!v.success && v.numFailedTests === 0) { failed += 1; console.log("vitest: a test file failed outside its tests"); }
} catch { failed += 1; console.log("vitest: no results"); }
if (process.env.TYPECHECK_FAILED === "1") { failed += 1; console.log("type check: failed"); }
try {
  const report = JSON.parse(fs.readFileSync("reports/e2e.json", "utf8"));
  const e = report.stats;
  passed += e.expected; failed += e.unexpected; ran += e.expected + e.unexpected + e.flaky;
  // A run that could not start (its web server, a config error) reports errors and no tests: that is a failure.
  const errors = report.errors ?? [];
  if (errors.length > 0) { failed += errors.length; console.log(`playwright: ${errors.length} error(s) outside tests`); }
  if (e.expected + e.unexpected + e.flaky === 0) { failed += 1; console.log("playwright: no test ran"); }
} catch { failed += 1; console.log("playwright: no results"); }
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || ran === 0 ? 1 : 0);
' || status=1
exit $status
