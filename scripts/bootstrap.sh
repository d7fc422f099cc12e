#!/usr/bin/env bash
# Installs the Debian 12 (bookworm) packages coreai-build needs to build and test.
# Idempotent: quiet and quick when everything is already installed.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache git python3 python3-numpy
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools lld-22 clang-22
  libcli11-dev nlohmann-json3-dev libflatbuffers-dev flatbuffers-compiler catch2
  libonnx-dev libprotobuf-dev protobuf-compiler
  libvulkan-dev mesa-vulkan-drivers spirv-tools
  # ed25519 for signed bundles (docs/security.md).
  libsodium-dev
  # scripts/fuzz: libFuzzer and the sanitizer runtimes for clang-22.
  libclang-rt-22-dev
  # scripts/test-aarch64: the runtime cross-built and run under emulation.
  g++-aarch64-linux-gnu qemu-user file
  # ctest report.pages: the HTML reports drawn in headless Chromium.
  chromium fonts-dejavu-core
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "bootstrap: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
