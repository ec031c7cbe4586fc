#!/usr/bin/env bash
# Installs every build and test dependency of this project from Debian 12's packages.
# Run as root; safe to run again (apt-get skips what is already there).
set -euo pipefail

build_packages=(
  build-essential cmake ninja-build pkg-config ccache
  libcli11-dev nlohmann-json3-dev libssh-dev libcurl4-openssl-dev libssl-dev
  libspdlog-dev libfmt-dev libpugixml-dev libgtest-dev libgmock-dev zlib1g-dev
  clang-format
)
test_packages=(
  openssl openssh-client openssh-server rsync sshfs fuse3 hyperfine time
  iproute2 iptables debootstrap util-linux procps psmisc curl
  bash zsh fish tcsh tmux bash-completion shellcheck python3 python3-pytest python3-pytest-xdist python3-yaml clang libclang-rt-14-dev
  golang-go
)
# The qemu driver and its machine image (contrib/qemu-image/build-image.sh, tests/e2e/test_qemu.py):
# qemu itself, qcow2 tooling, the Debian root builder, ext4 from a directory, and the NoCloud seed makers.
qemu_packages=(
  qemu-system-x86 qemu-utils mmdebstrap e2fsprogs genisoimage mtools dosfstools
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh must run as root" >&2
  exit 1
fi

missing=()
for pkg in "${build_packages[@]}" "${test_packages[@]}" "${qemu_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# The docker CLI (the e2e tests drive it over TLS): any recent client will do; take Debian's when none is there.
command -v docker >/dev/null 2>&1 || missing+=(docker.io)
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
