#!/usr/bin/env bash
# Installs every Debian package Kuzot needs to build, test and run on a fresh
# Debian 12 machine. Idempotent: does nothing when all are present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libboost1.81-dev
  libsqlite3-dev
  libicu-dev
  libsodium-dev
  nlohmann-json3-dev
  libstemmer-dev
  libspdlog-dev libfmt-dev
  libcli11-dev
  libgtest-dev libgmock-dev
  libbenchmark-dev
  libeigen3-dev libgsl-dev
  libxlsxwriter-dev
  libzip-dev libexpat1-dev libcsv-dev
  libexiv2-dev libmagic-dev libavformat-dev libavutil-dev
  libavcodec-dev libswscale-dev libssl-dev ffmpeg
  libcairo2-dev libpango1.0-dev fonts-dejavu-core fonts-noto-core
  libpqxx-dev postgresql
  clang libclang-rt-14-dev
  chromium
  wrk
  procps psmisc curl xxd
  libssl-dev openssl
  zlib1g-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js for the web application: the machine's own when it has one recent
# enough for Vite 7 (20.19+), else Debian's.
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
  $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}"
fi

# Packages only the browser tests need (chromium) are installed by their own script.
here=$(dirname "$0")
if [ -f "$here/install-web-deps.sh" ]; then
  bash "$here/install-web-deps.sh"
fi
