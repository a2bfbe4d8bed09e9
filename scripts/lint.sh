#!/usr/bin/env bash
# npm run lint: ESLint (typescript-eslint, React hooks, no WebGPU outside
# src/gpu), Prettier's check, the layering check (dependency-cruiser,
# .dependency-cruiser.cjs) and knip (exports and dependencies nothing uses).
# Runs all four and fails if any fails.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
echo "-- eslint"
npx eslint . || status=1
echo "-- prettier --check"
npx prettier --check --log-level warn . && echo "formatted" || status=1
echo "-- layering (dependency-cruiser)"
npx depcruise src test bench scripts e2e --config .dependency-cruiser.cjs || status=1
echo "-- unused exports and dependencies (knip)"
npx knip && echo "none" || status=1
exit $status
