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

# Alive and not a zombie: start.sh has exited, so our daemons are orphans that init reaps in its own time.
alive() {
    local state
    state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != Z ]
}

# A pidfile from an earlier run may name a PID that now belongs to someone else: signal it only if the process
# still has the name of what we started there.
pids=()
stop_pidfile() {
    local pidfile=$1 name=$2 pid
    [ -f "$pidfile" ] || return 0
    pid=$(tr -d ' \n' <"$pidfile" 2>/dev/null)
    [[ "$pid" =~ ^[0-9]+$ ]] || return 0
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$name" ] || return 0
    kill "$pid" 2>/dev/null && pids+=("$pid")
}
for pidfile in "$STATE_DIR"/sink-*.pid; do stop_pidfile "$pidfile" smtp-sink; done
stop_pidfile "$STATE_DIR/fakedns.pid" perl
stop_pidfile "$STATE_DIR/dnsmasq.pid" dnsmasq
stop_pidfile "$PF/queue/pid/master.pid" master
# All at once, then one bounded wait for the lot; SIGKILL whatever ignores SIGTERM.
for _ in $(seq 1 30); do
    left=()
    for pid in "${pids[@]}"; do alive "$pid" && left+=("$pid"); done
    [ ${#left[@]} -eq 0 ] && break
    sleep 0.1
done
for pid in "${pids[@]}"; do alive "$pid" && kill -9 "$pid" 2>/dev/null; done
exit 0
