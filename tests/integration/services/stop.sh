#!/usr/bin/env bash
# Stops what start.sh started in STATE_DIR (the FIXTURES_CLEANUP of `mailpulse_services`). Only processes recorded
# in STATE_DIR's pidfiles are signalled. Always exits 0: a cleanup that fails must not fail the test run.
STATE_DIR=${1:?usage: stop.sh STATE_DIR}
[ -d "$STATE_DIR" ] || exit 0

PF="$STATE_DIR/postfix"
if [ -f "$PF/etc/main.cf" ] && [ -s "$PF/queue/pid/master.pid" ]; then
    # `postfix stop` asks master to end its children too; the pidfile kill below is the fallback.
    timeout 10 postfix -c "$PF/etc" stop >/dev/null 2>&1
fi

stop_pid() {
    local pid
    pid=$(tr -d ' \n' <"$1" 2>/dev/null)
    [[ "$pid" =~ ^[0-9]+$ ]] || return 0
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 30); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null
    return 0
}

for pidfile in "$STATE_DIR"/sink-*.pid "$STATE_DIR/fakedns.pid" "$STATE_DIR/dnsmasq.pid" "$PF/queue/pid/master.pid"; do
    [ -f "$pidfile" ] && stop_pid "$pidfile"
done
exit 0
