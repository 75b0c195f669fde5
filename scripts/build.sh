#!/usr/bin/env bash
# Configures and builds Mailpulse into build/ (clang, Ninja, warnings as errors). Idempotent and incremental.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${MAILPULSE_BUILD_DIR:-build}
# build.ninja, not CMakeCache.txt: a configure that failed (say, before the dependencies were installed) leaves
# the cache behind but no build files.
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
    CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DMAILPULSE_WERROR=ON -DMAILPULSE_FUZZ=ON "$@"
fi
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
