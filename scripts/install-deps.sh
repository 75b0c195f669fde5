#!/usr/bin/env bash
# Installs what Mailpulse needs to build, run and test on Debian 12. Idempotent: only missing packages are installed.
set -euo pipefail

BUILD_PKGS=(cmake ninja-build clang pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev libqt6opengl6-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    libqt6sql6-sqlite libqt6svg6 qt6-qpa-plugins libgl-dev libssl-dev libgmime-3.0-dev zlib1g-dev
    libsqlite3-dev libmimalloc-dev)
TEST_PKGS=(postfix dnsmasq-base iproute2 openssl libclang-rt-14-dev util-linux procps perl-base
    dpkg-dev desktop-file-utils appstream)
# Benchmarks: bench_classify compares against Sisimai 4.25, the reference bounce analyzer.
BENCH_PKGS=(libsisimai-perl)

want=("${BUILD_PKGS[@]}")
for arg in "$@"; do
    case "$arg" in
    --test) want+=("${TEST_PKGS[@]}") ;;
    --bench) want+=("${BENCH_PKGS[@]}") ;;
    *) echo "usage: $0 [--test] [--bench]" >&2; exit 64 ;;
    esac
done

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing: ${missing[*]}"
# Postfix asks debconf questions on install; it is used only by the tests, with its own config dir.
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
echo "postfix postfix/mailname string mailpulse.test" | $SUDO debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
