#!/usr/bin/perl
# Upstream DNS servers that misbehave on purpose; dnsmasq forwards a few .test subdomains to them (see start.sh).
# Usage: fakedns.pl BLACKHOLE_ADDR SERVFAIL_ADDR FLAKY_ADDR   (UDP port 53 each, loopback addresses only)
#   blackhole: reads nothing, answers nothing            -> client timeouts
#   servfail:  answers every query with SERVFAIL
#   flaky:     answers MX and AAAA with NODATA and A with 127.0.0.1, but the first MX answer for each name only
#              after 1.2 s -> a client with a 1 s timeout gives up, its retry is merged by dnsmasq into the
#              pending query and gets the (late) empty answer: an implicit MX after all
# Perl because no packaged tool answers like this on demand; IO::Socket::INET and IO::Select ship with perl-base.
use strict;
use warnings;
use IO::Select;
use IO::Socket::INET;

my ($blackholeAddr, $servfailAddr, $flakyAddr) = @ARGV;
die "usage: fakedns.pl BLACKHOLE SERVFAIL FLAKY\n" unless $flakyAddr;
for my $addr ($blackholeAddr, $servfailAddr, $flakyAddr) {
    die "refusing a non-loopback address: $addr\n" unless $addr =~ /^127\.\d+\.\d+\.\d+$/;
}

sub udp {
    my ($addr) = @_;
    my $sock = IO::Socket::INET->new(LocalAddr => $addr, LocalPort => 53, Proto => 'udp');
    die "cannot bind $addr:53: $!\n" unless $sock;
    return $sock;
}
my $blackhole = udp($blackholeAddr);    # kept open so queries are swallowed, not refused with ICMP
my $servfail = udp($servfailAddr);
my $flaky = udp($flakyAddr);

# (name, type, offset after the question) of a query, or an empty list if it cannot be parsed.
sub question {
    my ($q) = @_;
    my ($pos, @labels) = (12);
    while (1) {
        return () if $pos >= length $q;
        my $len = ord substr($q, $pos, 1);
        last if $len == 0;
        return () if $len > 63;
        push @labels, lc substr($q, $pos + 1, $len);
        $pos += 1 + $len;
    }
    return () if $pos + 5 > length $q;
    my ($type) = unpack('n', substr($q, $pos + 1, 2));
    return (join('.', @labels), $type, $pos + 5);
}

# Same id and question; QR, AA and RA set, RD copied; no authority or additional records.
sub reply {
    my ($q, $qend, $rcode, @answers) = @_;
    my ($id, $flags) = unpack('n n', $q);
    my $rflags = 0x8000 | 0x0400 | ($flags & 0x0100) | 0x0080 | $rcode;
    return pack('n6', $id, $rflags, 1, scalar @answers, 0, 0) . substr($q, 12, $qend - 12) . join('', @answers);
}

my %seen;
$SIG{CHLD} = 'IGNORE';    # the late-answer children reap themselves
my $select = IO::Select->new($servfail, $flaky);
$| = 1;
print "fakedns ready\n";
while (1) {
    for my $sock ($select->can_read) {
        my $q;
        my $peer = $sock->recv($q, 4096);
        next unless defined $peer && length($q) >= 12;
        my ($name, $type, $qend) = question($q);
        next unless defined $qend;
        if ($sock == $servfail) {
            $sock->send(reply($q, $qend, 2), 0, $peer);
            next;
        }
        my @answers;
        # A: name = pointer to the question (0xC00C), type A, class IN, TTL 0, 4 bytes of address.
        push @answers, pack('n n n N n C4', 0xC00C, 1, 1, 0, 4, 127, 0, 0, 1) if $type == 1;
        my $packet = reply($q, $qend, 0, @answers);
        if ($type == 15 && !$seen{$name}++) {
            # A child sends the late answer, so the other servers keep answering meanwhile.
            my $pid = fork();
            if (defined $pid && $pid == 0) {
                select(undef, undef, undef, 1.2);
                $sock->send($packet, 0, $peer);
                exit 0;
            }
            next;
        }
        $sock->send($packet, 0, $peer);
    }
}
