#!/usr/bin/env bash
# Installs the system packages the tests need on a fresh Debian 12 machine with only Node:
# a software Vulkan driver (lavapipe from Mesa 25, bookworm-backports) for WebGPU in Node,
# Debian's chromium (with SwiftShader) for the end-to-end tests, and Debian's PyTorch (python3-torch,
# for /usr/bin/python3) for the tests of the exported training scripts. Idempotent; root only.
set -euo pipefail
need=()
[ -e /usr/share/vulkan/icd.d/lvp_icd.json ] || [ -e /usr/share/vulkan/icd.d/lvp_icd.x86_64.json ] || need+=(lavapipe)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
/usr/bin/python3 -c 'import torch' >/dev/null 2>&1 || need+=(torch)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "setup-system: missing ${need[*]}; run as root (apt-get) or install: mesa-vulkan-drivers from bookworm-backports, chromium, python3-torch" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [[ " ${need[*]} " == *" lavapipe "* ]] && ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  # same mirror as the machine's existing Debian sources
  mirror=$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null | head -1 | tr -d ' ' || true)
  mirror=${mirror:-http://deb.debian.org/debian}
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$mirror" \
    > /etc/apt/sources.list.d/bookworm-backports.sources
fi
apt-get update -qq
if [[ " ${need[*]} " == *" lavapipe "* ]]; then
  apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
fi
if [[ " ${need[*]} " == *" chromium "* ]]; then
  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
if [[ " ${need[*]} " == *" torch "* ]]; then
  apt-get install -y -qq python3-torch >/dev/null
fi
echo "setup-system: installed ${need[*]}"
