#!/usr/bin/env bash
# Run a command with Node's WebGPU pointed at a Vulkan driver.
# Uses $VK_ICD_FILENAMES when set (e.g. a real GPU's ICD); otherwise lavapipe.
set -euo pipefail
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -z "${VK_DRIVER_FILES:-}" ]; then
  export VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
exec "$@"
