#!/usr/bin/env bash
# Pack what a GPU machine without Node or a package registry needs to run the
# benchmarks (see README, "Benchmarks on a real GPU"). Writes .device/, which
# git ignores; name it in the device tool's `carry`. About 35 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
out=.device
rm -rf "$out"
mkdir -p "$out/debs"
echo "device pack: bundling the benchmarks (our engine, the WGSL and TF.js in one ES module)"
npx vite build --config bench/vite.device.config.ts
mkdir -p "$out/app/node_modules/webgpu/dist/linux-x64"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$out/app/node_modules/webgpu/"
echo "device pack: compressing Dawn's Node binding and Node itself"
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$out/dawn.node.xz"
xz -T0 -6 -c "$(readlink -f "$(command -v node)")" > "$out/node.xz"
echo "device pack: the Vulkan loader and libglvnd (the NVIDIA driver brings its ICD, which needs libGLdispatch)"
debs="libvulkan1 libglvnd0 libglx0 libegl1"
(cd "$out/debs" && apt-get download $debs >/dev/null 2>&1) || {
  apt-get update -qq && (cd "$out/debs" && apt-get download $debs)
}
data=../shared/datasets/amazon-games.txt
if [ -f "$data" ]; then cp "$data" "$out/"; fi # carried for the run, never committed
for f in ../shared/datasets/assist2015/assist2015_train.csv ../shared/datasets/assist2015/assist2015_test.csv; do
  if [ -f "$f" ]; then cp "$f" "$out/"; fi
done
du -sh "$out"
