#!/usr/bin/env bash
# Quick start, part 2: install what is missing, build, and run every test inside a loopback-only network
# namespace, so no packet can leave the machine. Needs root (apt, network namespace, Postfix, dnsmasq on port 53).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then exec sudo -E "$0" "$@"; fi
scripts/install-deps.sh --test
scripts/build.sh
# The tests of the tree build.sh built (MAILPULSE_BUILD_DIR, as there).
export MAILPULSE_BUILD_DIR=${MAILPULSE_BUILD_DIR:-build}
# ctest starts and stops the services (dnsmasq, Postfix, smtp-sink) as fixtures inside the namespace.
exec unshare --net -- bash -c \
    'ip link set lo up && exec ctest --test-dir "$MAILPULSE_BUILD_DIR" --output-on-failure --parallel 2 "$@"' \
    mailpulse-tests "$@"
