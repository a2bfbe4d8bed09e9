#!/usr/bin/env bash
# Runs on the GPU machine, in the repository root.
#   bash scripts/device-e2e.sh stage       # with one .dchrN carried: keep its part in /tmp/dchr
#   bash scripts/device-e2e.sh run [spec…] # with .device and the last part carried: join, unpack, test
# The Playwright tests then run in Debian's Chromium on the machine's GPU
# (E2E_REAL_GPU=1), against the prebuilt app served by python3's http.server.
set -uo pipefail
cd "$(dirname "$0")/.."
what="${1:?usage: device-e2e.sh stage|run [spec...]}"
shift
mkdir -p /tmp/dchr
for d in .dchr*; do [ -d "$d" ] && cp "$d"/* /tmp/dchr/; done
ls -la /tmp/dchr
[ "$what" = stage ] && exit 0
out="${OUT:-/tmp/device-out}"
mkdir -p "$out"
if [ ! -x /tmp/chr/chromium/chromium ]; then
  (cd /tmp/dchr && cat part.* > /tmp/chr.tar.xz && echo "$(cat SHA256)  /tmp/chr.tar.xz" | sha256sum -c -) || exit 1
  tar -C /tmp -xJf /tmp/chr.tar.xz || exit 1
  # Prefer the machine's own copy of a library where it has one.
  for f in /tmp/chr/lib/*; do
    if ldconfig -p | grep -q "^[[:space:]]*$(basename "$f") "; then rm "$f"; fi
  done
  echo "libraries carried and used: $(ls /tmp/chr/lib | tr '\n' ' ')"
fi
# Node (from scripts/device-pack.sh), the Vulkan loader and the NVIDIA ICD.
. scripts/device-env.sh
cat > /tmp/chr/fonts.conf <<CONF
<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><dir>/tmp/chr/fonts</dir><cachedir>/tmp/chr/fontcache</cachedir></fontconfig>
CONF
cat > /tmp/chr/chrome.sh <<'SH'
#!/bin/sh
export LD_LIBRARY_PATH="/tmp/chr/lib:/tmp/chr/chromium:/usr/local/nvidia/lib64:/usr/local/nvidia/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export FONTCONFIG_FILE=/tmp/chr/fonts.conf
exec /tmp/chr/chromium/chromium "$@"
SH
chmod +x /tmp/chr/chrome.sh
echo "missing libraries: $(LD_LIBRARY_PATH=/tmp/chr/lib:/tmp/chr/chromium ldd /tmp/chr/chromium/chromium | grep 'not found' | tr '\n' ' ')"
rm -rf node_modules dist
cp -r /tmp/chr/pw/node_modules node_modules
cp -r /tmp/chr/dist dist
echo "GPU: $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null || echo none); ICD ${VK_ICD_FILENAMES:-none}"
export CHROMIUM_PATH=/tmp/chr/chrome.sh E2E_REAL_GPU=1 E2E_SERVER_CMD="python3 -m http.server 4173 -d dist 2>/dev/null"
set -o pipefail
node node_modules/@playwright/test/cli.js test "$@" 2>&1 | tee "$out/e2e.log"
