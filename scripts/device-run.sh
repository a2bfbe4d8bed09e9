#!/usr/bin/env bash
# Runs on the GPU machine, in the repository root, with .device/ carried
# (made by scripts/device-pack.sh):
#   bash scripts/device-run.sh speed   [bench args]
#   bash scripts/device-run.sh quality [bench args]
#   bash scripts/device-run.sh step    [bench args]
#   bash scripts/device-run.sh demo    [bench args]   (the app's trainer on the built-in demo)
#   bash scripts/device-run.sh kt      [bench args]   (knowledge tracing on ASSIST2015 unless --train/--test are given)
# JSON goes to $OUT/<what>.json and the log to $OUT/<what>.log (OUT defaults to /tmp/device-out).
set -uo pipefail
cd "$(dirname "$0")/.."
what="${1:?usage: device-run.sh speed|quality|step|demo|kt [args]}"
shift
d=.device
out="${OUT:-/tmp/device-out}"
mkdir -p "$out"
. scripts/device-env.sh
dawn="$d/app/node_modules/webgpu/dist/linux-x64/dawn.node"
[ -f "$dawn" ] || xz -dc "$d/dawn.node.xz" > "$dawn"
echo "device run: $what on ICD ${VK_ICD_FILENAMES:-<default>}; nvidia-smi: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo none)"
extra=()
if [ "$what" = "quality" ] && ! printf '%s\n' "$@" | grep -qx -- '--data'; then extra=(--data "$d/amazon-games.txt"); fi
if [ "$what" = "kt" ] && ! printf '%s\n' "$@" | grep -qx -- '--train'; then extra=(--train "$d/assist2015_train.csv" --test "$d/assist2015_test.csv"); fi
node "$d/app/device.mjs" "$what" --json "${extra[@]}" "$@" > "$out/$what.json" 2> >(tee "$out/$what.log" >&2)
status=$?
tail -c 2000 "$out/$what.json"
exit $status
