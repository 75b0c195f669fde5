#!/usr/bin/env bash
# Quick start, part 1: install what is missing, build, and launch the desktop app.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
exec build/app/mailpulse "$@"
