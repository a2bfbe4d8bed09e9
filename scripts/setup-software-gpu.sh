#!/usr/bin/env bash
# Make sure Node's WebGPU (Dawn, npm `webgpu`) finds a Vulkan adapter on a
# machine without a GPU: Mesa's lavapipe (software Vulkan) from Debian
# bookworm-backports. Dawn refuses bookworm's own Mesa 22.x; 25.x works.
# Idempotent: does nothing when a recent lavapipe is already installed.
set -euo pipefail

ICD=/usr/share/vulkan/icd.d/lvp_icd.json

mesa_version() {
  dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true
}

have_recent_lavapipe() {
  [ -f "$ICD" ] || return 1
  ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' || return 1
  local v major
  v="$(mesa_version)"
  major="${v%%.*}"
  [ -n "$major" ] && [ "$major" -ge 24 ] 2>/dev/null
}

if have_recent_lavapipe; then
  echo "software GPU: lavapipe $(mesa_version) already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "software GPU: no apt-get here; install Mesa's Vulkan drivers (lavapipe, Mesa >= 24) and libvulkan1 yourself" >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")"
suite="$codename"
if [ "$codename" = "bookworm" ]; then
  suite="bookworm-backports"
  if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "software GPU: adding Debian bookworm-backports"
    $SUDO tee /etc/apt/sources.list.d/bookworm-backports.sources >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
fi
echo "software GPU: installing mesa-vulkan-drivers and libvulkan1 from $suite"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -t "$suite" mesa-vulkan-drivers libvulkan1 >/dev/null
if ! have_recent_lavapipe; then
  echo "software GPU: lavapipe is still missing or too old ($(mesa_version))" >&2
  exit 1
fi
echo "software GPU: lavapipe $(mesa_version) installed"
