# Sourced by scripts/device-run.sh and scripts/device-e2e.sh on the GPU machine
# (repository root, .device/ carried or already unpacked): the Vulkan loader
# and libglvnd, Node in /tmp/device-bin on PATH, and Vulkan pointed at the
# NVIDIA driver's ICD.
# Without libGLdispatch the NVIDIA ICD fails ("Could not get 'vkCreateInstance'") and Dawn finds no adapter.
if ! ldconfig -p | grep -q libvulkan.so.1 || ! ldconfig -p | grep -q libGLdispatch.so.0; then
  for f in .device/debs/*.deb /tmp/dchr/*.deb; do [ -f "$f" ] && dpkg -x "$f" /; done
  ldconfig
fi
mkdir -p /tmp/device-bin
[ -x /tmp/device-bin/node ] || { xz -dc .device/node.xz > /tmp/device-bin/node && chmod +x /tmp/device-bin/node; }
export PATH="/tmp/device-bin:$PATH"
if [ -z "${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -f "$icd" ]; then export VK_ICD_FILENAMES="$icd" VK_DRIVER_FILES="$icd"; break; fi
  done
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
