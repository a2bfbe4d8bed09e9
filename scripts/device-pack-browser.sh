#!/usr/bin/env bash
# Pack what the GPU machine (no Node, no registry, no browser) needs to run the
# Playwright tests on its real GPU: Debian's Chromium with the shared libraries
# it links (minus glibc and libstdc++, which the machine has), Playwright, the
# built app and a font. Run scripts/device-pack.sh first (it brings Node).
#
# One device call carries at most 64 MiB, and Chromium alone is about 80 MiB
# compressed, so the archive is split into parts of at most PART_MB (default
# 26) in .dchr1/ .. .dchrN/ (git-ignored). Each part travels in its own call
# and is staged in /tmp on the warm machine; scripts/device-e2e.sh joins them.
set -euo pipefail
cd "$(dirname "$0")/.."
part_mb="${PART_MB:-26}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/chr"
mkdir -p "$root/chromium/locales" "$root/lib" "$root/fonts" "$root/pw/node_modules"
src=/usr/lib/chromium
echo "browser pack: Chromium $("$src/chromium" --version 2>/dev/null || echo '?')"
cp "$src"/{chromium,chrome_crashpad_handler,chrome_100_percent.pak,chrome_200_percent.pak,icudtl.dat,resources.pak,snapshot_blob.bin,v8_context_snapshot.bin,libvulkan.so.1,libEGL.so,libGLESv2.so,libvk_swiftshader.so,vk_swiftshader_icd.json} "$root/chromium/"
cp "$src/locales/en-US.pak" "$root/chromium/locales/"
# Every library the binary links, by soname, except the C and C++ runtimes.
ldd "$src/chromium" | awk '$3 ~ /^\// {print $1, $3}' | while read -r name path; do
  case "$name" in libc.so*|libm.so*|ld-linux*|libpthread*|libdl.so*|librt.so*|libstdc++*|libgcc_s*|libresolv*) continue ;; esac
  cp -L "$path" "$root/lib/$name"
done
# NSS loads its crypto modules at run time.
for f in libfreebl3.so libfreeblpriv3.so libnssckbi.so libnssdbm3.so libsoftokn3.so; do
  cp -L "/usr/lib/x86_64-linux-gnu/$f" "$root/lib/"
done
cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf "$root/fonts/"
cp -r node_modules/@playwright node_modules/playwright node_modules/playwright-core "$root/pw/node_modules/"
echo "browser pack: building the app"
npx vite build >/dev/null
cp -r dist "$root/dist"
rm -rf .dchr*
echo "browser pack: compressing (a few minutes)"
tar -C "$work" -cf - chr | xz -T0 -6 > "$work/chr.tar.xz"
split -b "${part_mb}m" -d -a 1 "$work/chr.tar.xz" "$work/part."
i=0
for p in "$work"/part.*; do
  i=$((i + 1))
  mkdir -p ".dchr$i"
  mv "$p" ".dchr$i/"
done
(cd "$work" && sha256sum chr.tar.xz | cut -d' ' -f1) > .dchr1/SHA256
du -sh .dchr*
