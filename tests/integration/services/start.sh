#!/usr/bin/env bash
# Starts the services the integration tests talk to: dnsmasq (DNS), Postfix (real SMTP with STARTTLS and
# implicit TLS) and Postfix's smtp-sink (misbehaving servers). Registered in CTest as the FIXTURES_SETUP of
# `mailpulse_services`; stop.sh is the cleanup. Meant to run as root inside a private loopback-only network
# namespace (scripts/test.sh: `unshare --net`), which is why fixed ports and any 127.x.y.z address are free.
# Nothing outside STATE_DIR is written: every config, certificate, queue, pidfile and log is generated there.
#
# Usage: start.sh STATE_DIR
#
# Addresses (mirrored in tests/integration/services.h; change both together):
#   127.0.0.53:53   dnsmasq, authoritative for .test (--local=/test/: unknown names are NXDOMAIN)
#   127.0.0.54:53   UDP blackhole (never answers)   -> DNS timeouts under slow.test
#   127.0.0.55:53   answers every query with SERVFAIL -> dnsmasq forwards servfail.test there
#   127.0.0.56:53   MX/AAAA NODATA (the first MX answer per name 1.2 s late), A 127.0.0.1 -> slowmx.test
#   127.0.0.1:25    Postfix smtpd, STARTTLS offered (cert for mx.ok.test, nomx.test, localhost, 127.0.0.1)
#   127.0.0.1:465   Postfix smtpd, implicit TLS (smtpd_tls_wrappermode)
#   127.0.0.2:25    nothing listens (connection refused)
#   127.0.0.10:25   smtp-sink: 421 instead of the greeting
#   127.0.0.11:25   smtp-sink: closes right after connect, no greeting
#   127.0.0.12:25   smtp-sink: RCPT rejected with 550 5.7.1
#   127.0.0.13:25   smtp-sink: RCPT rejected with 450 4.2.0 (greylisting style)
#   127.0.0.14:25   smtp-sink: closes after EHLO without replying
#   127.0.0.15:25   smtp-sink: greeting delayed by 30 s
#   127.0.0.16:25   smtp-sink: 421 in reply to RCPT
#
# Zone (.test), MX preference in brackets:
#   ok.test            MX [10] mx.ok.test -> 127.0.0.1 (Postfix)
#   fallback.test      MX [10] dead.fallback.test -> 127.0.0.2 (refused), [20] mx.ok.test
#   prefs.test         MX [30] mx3, [10] mx1, [20] mx2 (.prefs.test) -> 127.0.0.21 / .22 + ::1 / .23
#   ties.test          MX [10] mxa.ties.test -> 127.0.0.31, [10] mxb.ties.test -> 127.0.0.32
#   partial.test       MX [10] ghost.partial.test (no such name), [20] mx.ok.test
#   nomx.test          no MX, A 127.0.0.1 (RFC 5321 §5.1 implicit MX)
#   nomx6.test         no MX, A 127.0.0.1 and AAAA ::1
#   nullmx.test        MX [0] "." (RFC 7505 null MX)
#   mixednull.test     MX [0] "." and [10] mx.ok.test (a broken null MX: the real host wins)
#   noaddr.test        MX [10] ghost.noaddr.test (no such name), [20] txtonly.noaddr.test (TXT only)
#   empty.test         TXT only: exists, no MX, no address
#   v6.test            MX [10] mx.v6.test -> AAAA ::1 only
#   xn--bcher-kva.test (bücher.test) MX [10] mx.ok.test
#   servfail.test      every query -> SERVFAIL;  slow.test: every query unanswered (timeout)
#   *.slowmx.test      no MX (first answer 1.2 s late), A 127.0.0.1: a slow implicit MX
#   greet421.test, dropconnect.test, rcpthard.test, rcptsoft.test, dropehlo.test, slowgreet.test, rcpt421.test
#                      MX [10] mx.<domain> -> the smtp-sink addresses above, in that order
#   doesnotexist.test  (and every other undeclared name): NXDOMAIN
# Postfix relays ok.test, fallback.test and nomx.test; known recipients: alice@, bob@, postmaster@ of each.
# Everything else at those domains gets "550 5.1.1 ... User unknown"; accepted mail would go to discard:.
# Mail submitted to Postfix (its sendmail) for these domains leaves through its smtp client (transport_maps, no DNS),
# so that its log holds real status=bounced/deferred lines (tst_postfix_maillog):
#   rcpthard.test -> 127.0.0.12 (bounced 5.7.1)   rcptsoft.test -> 127.0.0.13 (deferred 4.2.0)
#   dropconnect.test -> 127.0.0.11 (deferred 4.4.2)   refused.test -> 127.0.0.2 (deferred 4.4.1)
#   later.test -> the `later` transport, which Postfix holds back (defer_transports: deferred 4.3.2) until the queue
#                 is flushed (postqueue -f), and then discards (sent): a deferral that a retry cures
# Postfix's own notices to the sender bounces@ok.test (non-delivery, and delay warnings for mail queued longer than
# a second) are appended to STATE_DIR/captured.mbox (the `capture` pipe transport), as real DSNs to classify.
set -uo pipefail

STATE_DIR=${1:?usage: start.sh STATE_DIR}
HERE=$(cd "$(dirname "$0")" && pwd)

fail() {
    echo "start.sh: FAILED: $*" >&2
    for log in "$STATE_DIR"/dnsmasq.log "$STATE_DIR"/postfix/maillog "$STATE_DIR"/sink-*.log "$STATE_DIR"/fakedns.log; do
        [ -s "$log" ] && { echo "---- $log" >&2; tail -n 60 "$log" >&2; }
    done
    "$HERE/stop.sh" "$STATE_DIR" >/dev/null 2>&1
    exit 1
}

# A bounded wait for a TCP port (bash's /dev/tcp; loopback only).
wait_tcp() {
    local host=$1 port=$2
    for _ in $(seq 1 100); do
        if (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    return 1
}

[ "$(id -u)" -eq 0 ] || fail "must run as root (inside the test network namespace)"
# Refuse to run where the services would be visible to the outside: the namespace has only lo.
if ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep -qv '^lo$'; then
    fail "network interfaces other than lo exist; run inside 'unshare --net' (scripts/test.sh)"
fi
ip link set lo up 2>/dev/null

# A stale run (a crashed ctest) may have left daemons behind.
"$HERE/stop.sh" "$STATE_DIR" >/dev/null 2>&1
# Only what this script creates is removed: STATE_DIR itself may be any directory the caller chose.
mkdir -p "$STATE_DIR" || fail "cannot create $STATE_DIR"
rm -rf "${STATE_DIR:?}/postfix"
rm -f "$STATE_DIR"/*.pid "$STATE_DIR"/*.log "$STATE_DIR"/*.out "$STATE_DIR/ca.pem"
chmod 755 "$STATE_DIR"

# ---------------------------------------------------------------------------------------------------------------- DNS
# The misbehaving upstream servers dnsmasq forwards slow.test, servfail.test and slowmx.test to.
perl "$HERE/fakedns.pl" 127.0.0.54 127.0.0.55 127.0.0.56 >"$STATE_DIR/fakedns.log" 2>&1 </dev/null &
echo $! >"$STATE_DIR/fakedns.pid"

# --user=root: no need to drop to nobody inside a throwaway namespace, and the log stays writable in STATE_DIR.
# --cache-size=0: every query reaches the fake upstream servers, so their behaviour repeats run after run.
DNS_ARGS=(
    --no-resolv --no-hosts --no-poll --local=/test/
    --port=53 --listen-address=127.0.0.53 --bind-interfaces
    --pid-file="$STATE_DIR/dnsmasq.pid" --log-facility="$STATE_DIR/dnsmasq.log" --log-queries
    --user=root --group=root --cache-size=0
    --server=/slow.test/127.0.0.54 --server=/servfail.test/127.0.0.55 --server=/slowmx.test/127.0.0.56
    --mx-host=ok.test,mx.ok.test,10 --host-record=mx.ok.test,127.0.0.1
    --mx-host=fallback.test,dead.fallback.test,10 --mx-host=fallback.test,mx.ok.test,20
    --host-record=dead.fallback.test,127.0.0.2
    --mx-host=prefs.test,mx3.prefs.test,30 --mx-host=prefs.test,mx1.prefs.test,10
    --mx-host=prefs.test,mx2.prefs.test,20
    --host-record=mx1.prefs.test,127.0.0.21 --host-record=mx2.prefs.test,127.0.0.22,::1
    --host-record=mx3.prefs.test,127.0.0.23
    --mx-host=ties.test,mxa.ties.test,10 --mx-host=ties.test,mxb.ties.test,10
    --host-record=mxa.ties.test,127.0.0.31 --host-record=mxb.ties.test,127.0.0.32
    --mx-host=partial.test,ghost.partial.test,10 --mx-host=partial.test,mx.ok.test,20
    --host-record=nomx.test,127.0.0.1
    --host-record=nomx6.test,127.0.0.1,::1
    --mx-host=nullmx.test,.,0
    --mx-host=mixednull.test,.,0 --mx-host=mixednull.test,mx.ok.test,10
    --mx-host=noaddr.test,ghost.noaddr.test,10 --mx-host=noaddr.test,txtonly.noaddr.test,20
    --txt-record=txtonly.noaddr.test,"no address here"
    --txt-record=empty.test,"v=spf1 -all"
    --mx-host=v6.test,mx.v6.test,10 --host-record=mx.v6.test,::1
    --mx-host=xn--bcher-kva.test,mx.ok.test,10
)
i=10
for d in greet421 dropconnect rcpthard rcptsoft dropehlo slowgreet rcpt421; do
    DNS_ARGS+=(--mx-host=$d.test,mx.$d.test,10 --host-record=mx.$d.test,127.0.0.$i)
    i=$((i + 1))
done
dnsmasq "${DNS_ARGS[@]}" </dev/null >"$STATE_DIR/dnsmasq.out" 2>&1 || fail "dnsmasq did not start: $(cat "$STATE_DIR/dnsmasq.out")"

# ------------------------------------------------------------------------------------------------------------ Postfix
PF="$STATE_DIR/postfix"
mkdir -p "$PF/etc" "$PF/queue" "$PF/data"
chown postfix "$PF/data"
# Postfix's daemons run as the postfix user: every directory above the queue must let it through.
runuser -u postfix -- test -x "$PF/queue" ||
    fail "the postfix user cannot reach $PF/queue (a parent directory is not world-searchable)"

# Certificate for every name the tests verify: the Postfix MX, the implicit-MX domain, and the loopback literals.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 7 \
    -subj "/CN=mx.ok.test/O=Mailpulse tests" \
    -addext "subjectAltName=DNS:mx.ok.test,DNS:nomx.test,DNS:localhost,IP:127.0.0.1" \
    -keyout "$PF/etc/key.pem" -out "$PF/etc/cert.pem" >"$STATE_DIR/openssl.log" 2>&1 ||
    fail "openssl req: $(cat "$STATE_DIR/openssl.log")"
chmod 600 "$PF/etc/key.pem"
cp "$PF/etc/cert.pem" "$STATE_DIR/ca.pem"

cat >"$PF/etc/transport" <<'MAP'
rcpthard.test smtp:[127.0.0.12]:25
rcptsoft.test smtp:[127.0.0.13]:25
dropconnect.test smtp:[127.0.0.11]:25
refused.test smtp:[127.0.0.2]:25
later.test later:
bounces@ok.test capture:
MAP
: >"$STATE_DIR/captured.mbox"
chown nobody "$STATE_DIR/captured.mbox"

: >"$PF/etc/relay_recipients"
for d in ok.test fallback.test nomx.test; do
    for u in alice bob postmaster; do echo "$u@$d OK" >>"$PF/etc/relay_recipients"; done
done

cat >"$PF/etc/main.cf" <<CF
compatibility_level = 3.6
config_directory = $PF/etc
queue_directory = $PF/queue
data_directory = $PF/data
maillog_file = $PF/maillog
maillog_file_prefixes = $STATE_DIR
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.ok.test
mydomain = ok.test
myorigin = \$myhostname
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
smtpd_banner = \$myhostname ESMTP Mailpulse test Postfix
# No DNS at all from Postfix: the namespace has only our dnsmasq and it knows nothing about PTR records.
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
relay_domains = ok.test fallback.test nomx.test
relay_recipient_maps = texthash:$PF/etc/relay_recipients
transport_maps = texthash:$PF/etc/transport
defer_transports = later
delay_warning_time = 1s
local_recipient_maps =
default_transport = discard:
relay_transport = discard:
local_transport = discard:
smtpd_client_restrictions = permit_mynetworks, reject
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_tls_security_level = may
smtpd_tls_cert_file = $PF/etc/cert.pem
smtpd_tls_key_file = $PF/etc/key.pem
smtpd_tls_loglevel = 1
smtpd_tls_received_header = no
smtpd_timeout = 30s
CF

# chroot "n" everywhere: Debian's own master.cf chroots smtpd into the queue dir, which needs a prepared jail.
cat >"$PF/etc/master.cf" <<'CF'
127.0.0.1:smtp inet n - n - - smtpd
127.0.0.1:465  inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_security_level=encrypt
pickup    unix n - n 60 1 pickup
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
later     unix - - n - - discard
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CF
# flags=F: each message starts with a "From " line, so the file is an mbox.
echo "capture   unix - n n - - pipe flags=F user=nobody argv=/bin/dd of=$STATE_DIR/captured.mbox oflag=append conv=notrunc status=none" >>"$PF/etc/master.cf"

postfix -c "$PF/etc" start >"$STATE_DIR/postfix-start.log" 2>&1 || fail "postfix start: $(cat "$STATE_DIR/postfix-start.log")"

# ----------------------------------------------------------------------------------------------------------- smtp-sink
# -u: smtp-sink refuses to keep root. Each instance is one misbehaviour; see the address table above.
start_sink() {
    local name=$1 addr=$2
    shift 2
    smtp-sink -u nobody -4 -h "$name.sink.test" "$@" "$addr:25" 16 </dev/null >"$STATE_DIR/sink-$name.log" 2>&1 &
    echo $! >"$STATE_DIR/sink-$name.pid"
}
start_sink greet421 127.0.0.10 -Q CONNECT
start_sink dropconnect 127.0.0.11 -q CONNECT
start_sink rcpthard 127.0.0.12 -f RCPT -B "550 5.7.1 Recipient rejected by policy"
start_sink rcptsoft 127.0.0.13 -r RCPT -b "450 4.2.0 Greylisted, try again later"
start_sink dropehlo 127.0.0.14 -q EHLO,HELO
start_sink slowgreet 127.0.0.15 -W CONNECT:30
start_sink rcpt421 127.0.0.16 -Q RCPT

# -------------------------------------------------------------------------------------------------------------- ready?
for endpoint in 127.0.0.1:25 127.0.0.1:465 127.0.0.10:25 127.0.0.11:25 127.0.0.12:25 127.0.0.13:25 127.0.0.14:25 \
    127.0.0.15:25 127.0.0.16:25; do
    wait_tcp "${endpoint%:*}" "${endpoint#*:}" || fail "nothing accepts on $endpoint"
done
# Something listening is not enough (a leftover could hold the port): Postfix must greet with its own banner and
# complete both TLS handshakes with the certificate generated above.
banner() {
    local line=""
    exec 3<>"/dev/tcp/$1/$2" || return 1
    IFS= read -r -t 5 line <&3
    exec 3>&-
    printf '%s' "$line"
}
greeting=$(banner 127.0.0.1 25)
[[ "$greeting" == 220*"Mailpulse test Postfix"* ]] || fail "unexpected greeting on 127.0.0.1:25: '$greeting'"
for mode in "-starttls smtp -connect 127.0.0.1:25" "-connect 127.0.0.1:465"; do
    # shellcheck disable=SC2086 # $mode is two options on purpose
    timeout 10 openssl s_client $mode -CAfile "$STATE_DIR/ca.pem" -verify_return_error -verify_hostname mx.ok.test \
        </dev/null >"$STATE_DIR/tls-check.log" 2>&1 || fail "TLS check failed ($mode): $(tail -n 5 "$STATE_DIR/tls-check.log")"
done
[ -s "$STATE_DIR/dnsmasq.pid" ] && kill -0 "$(cat "$STATE_DIR/dnsmasq.pid")" 2>/dev/null || fail "dnsmasq is not running"
for _ in $(seq 1 50); do grep -q "fakedns ready" "$STATE_DIR/fakedns.log" 2>/dev/null && break; sleep 0.1; done
grep -q "fakedns ready" "$STATE_DIR/fakedns.log" || fail "the fake DNS servers did not start"
echo "services up in $STATE_DIR"
exit 0
