#!/usr/bin/perl
# A matrix step's pings, from one process (perl-base only: it runs in UML's
# root file system and on hosts that have nothing else).
#
#   matrix-ping.pl OUT < endpoints     one endpoint a line: "NETNS-FILE DEV ADDRESS"
#
# Each cell does what `ping -c 1 -W 1 -I FROM TO` does in the kernel: a raw
# ICMP (or ICMPv6) socket bound to FROM (FROM%DEV, with SO_BINDTODEVICE, for a
# link-local) sends one echo request, seq 1, to TO; an echo reply with the
# cell's ident is its answer, an ICMP error quoting its request ends it. What
# differs is time: a ping forked per cell starts tens of milliseconds after
# the one before it under UML, so which cells an ARP retransmission reaches
# depended on the fork order. Here every request goes out one after another
# (each sendto's softirq runs before it returns; a sched_yield lets the work
# it queued run too), and each cell waits 900 ms for its answer: past
# proxy_delay's longest wait (800 ms), before the neighbour layer's first
# retransmission (1 s after its first probe). OUT gets "I J CODE" lines:
# 0 answered, 1 not, 2 the request could not be sent.
use strict;
use warnings;
use Socket qw(AF_INET AF_INET6 SOCK_RAW SOL_SOCKET inet_aton inet_pton pack_sockaddr_in pack_sockaddr_in6);

my $WAIT = 0.9;
my ($SYS_SCHED_YIELD, $SYS_CLOCK_GETTIME, $SYS_SETNS) = (24, 228, 308);    # x86-64
my ($CLONE_NEWNET, $CLOCK_MONOTONIC, $SO_BINDTODEVICE, $SIOCGIFINDEX, $MSG_DONTWAIT) = (0x40000000, 1, 25, 0x8933, 0x40);

my $out = shift @ARGV or die "usage: matrix-ping.pl OUT < endpoints\n";

sub now {
  my $ts = "\0" x 16;
  syscall($SYS_CLOCK_GETTIME, $CLOCK_MONOTONIC, $ts) == 0 or die "clock_gettime: $!\n";
  my ($s, $ns) = unpack("q q", $ts);
  return $s + $ns / 1e9;
}

# Endpoints; one namespace file names one namespace.
my (@ns, @dev, @addr, @kind);
while (my $line = <STDIN>) {
  chomp $line;
  my ($n, $d, $a) = split / /, $line;
  push @ns, $n;
  push @dev, $d;
  push @addr, $a;
  push @kind, $a =~ /^fe[89ab][0-9a-f]:/i ? "ll" : $a =~ /:/ ? "6" : "4";
}

# One socket per endpoint, made in its namespace (a socket stays in the
# namespace it was made in); undef where the bind fails, as ping's would.
my (@sock, @scope, %nsfd);
for my $i (0 .. $#addr) {
  unless (exists $nsfd{ $ns[$i] }) {
    open(my $fh, "<", $ns[$i]) or die "$ns[$i]: $!\n";
    $nsfd{ $ns[$i] } = $fh;
  }
  syscall($SYS_SETNS, fileno($nsfd{ $ns[$i] }), $CLONE_NEWNET) == 0 or die "setns $ns[$i]: $!\n";
  my $s;
  if ($kind[$i] eq "4") {
    socket($s, AF_INET, SOCK_RAW, 1) or die "socket: $!\n";
    bind($s, pack_sockaddr_in(0, inet_aton($addr[$i]))) or undef $s;
  } else {
    socket($s, AF_INET6, SOCK_RAW, 58) or die "socket: $!\n";
    my $scope = 0;
    if ($kind[$i] eq "ll") {
      my $ifr = pack("a16 i x20", $dev[$i]);
      ioctl($s, $SIOCGIFINDEX, $ifr) or die "SIOCGIFINDEX $dev[$i]: $!\n";
      $scope = (unpack("a16 i", $ifr))[1];
      setsockopt($s, SOL_SOCKET, $SO_BINDTODEVICE, $dev[$i]) or die "SO_BINDTODEVICE $dev[$i]: $!\n";
    }
    $scope[$i] = $scope;
    bind($s, pack_sockaddr_in6(0, inet_pton(AF_INET6, $addr[$i]), $scope)) or undef $s;
  }
  $sock[$i] = $s;
}

# Cells in the order every engine lists them: FROM by FROM, TO by TO.
my (@from, @to);
for my $i (0 .. $#addr) {
  for my $j (0 .. $#addr) {
    next if $ns[$i] eq $ns[$j] || $kind[$i] ne $kind[$j];
    push @from, $i;
    push @to, $j;
  }
}

sub checksum {
  my $sum = unpack("%32n*", $_[0] . (length($_[0]) % 2 ? "\0" : ""));
  $sum = ($sum >> 16) + ($sum & 0xffff) while $sum >> 16;
  return ~$sum & 0xffff;
}

# ping's payload: the send time, then bytes counting on from 0x10.
my $first = $$ & 0xffff;
my (@code, @sent, %cell);
for my $c (0 .. $#from) {
  my ($i, $j) = ($from[$c], $to[$c]);
  my $id = ($first + $c) & 0xffff;
  $cell{$id} = $c;
  $code[$c] = 2;
  next unless $sock[$i];
  my $t = now();
  my $data = pack("q q", int($t), int(($t - int($t)) * 1e6)) . pack("C*", 16 .. 55);
  my ($pkt, $dst);
  if ($kind[$i] eq "4") {
    $pkt = pack("C C n n n", 8, 0, 0, $id, 1) . $data;
    substr($pkt, 2, 2) = pack("n", checksum($pkt));
    $dst = pack_sockaddr_in(0, inet_aton($addr[$j]));
  } else {
    # The kernel fills in an ICMPv6 raw socket's checksum.
    $pkt = pack("C C n n n", 128, 0, 0, $id, 1) . $data;
    $dst = pack_sockaddr_in6(0, inet_pton(AF_INET6, $addr[$j]), $kind[$i] eq "ll" ? $scope[$i] : 0);
  }
  $sent[$c] = $t;
  $code[$c] = 1 if send($sock[$i], $pkt, 0, $dst);
  syscall($SYS_SCHED_YIELD);
}

# Answers, until the last cell's 900 ms are out.
my $rin = "";
for my $s (grep { defined } @sock) { vec($rin, fileno($s), 1) = 1; }
my $end = (sort { $b <=> $a } map { $_ + $WAIT } grep { defined } @sent)[0] // 0;
my %done;
while ((my $left = $end - now()) > 0) {
  my $n = select(my $rout = $rin, undef, undef, $left);
  next if $n <= 0;
  my $at = now();
  for my $i (0 .. $#sock) {
    my $s = $sock[$i] or next;
    next unless vec($rout, fileno($s), 1);
    while (defined(recv($s, my $buf, 65536, $MSG_DONTWAIT))) {
      answer($kind[$i] eq "4" ? ipv4_answer($buf) : ipv6_answer($buf), $at);
    }
  }
}

# An answer is [ident, replied, quoted destination]: a reply ends its cell
# answered, an error quoting the cell's own request to its TO ends it not.
sub answer {
  my ($a, $at) = @_;
  return unless $a;
  my ($id, $replied, $qdst) = @$a;
  my $c = $cell{$id};
  return if !defined $c || $done{$c} || $code[$c] == 2 || $at - $sent[$c] > $WAIT;
  if ($replied) {
    $code[$c] = 0;
    $done{$c} = 1;
  } elsif (defined $qdst && $qdst eq (($kind[$to[$c]] eq "4") ? inet_aton($addr[$to[$c]]) : inet_pton(AF_INET6, $addr[$to[$c]]))) {
    $done{$c} = 1;
  }
}

sub ipv4_answer {
  my ($b) = @_;
  return undef if length($b) < 20;
  my $hl = (ord($b) & 15) * 4;
  return undef if length($b) < $hl + 8;
  my ($type, undef, undef, $id, $seq) = unpack("C C n n n", substr($b, $hl, 8));
  return $seq == 1 ? [$id, 1, undef] : undef if $type == 0;
  return undef unless $type == 3 || $type == 11;
  my $q = substr($b, $hl + 8);
  return undef if length($q) < 20;
  my $qhl = (ord($q) & 15) * 4;
  return undef if length($q) < $qhl + 8 || ord(substr($q, 9, 1)) != 1 || ord(substr($q, $qhl, 1)) != 8;
  return [unpack("n", substr($q, $qhl + 4, 2)), 0, substr($q, 16, 4)];
}

sub ipv6_answer {
  my ($b) = @_;
  return undef if length($b) < 8;
  my ($type, undef, undef, $id, $seq) = unpack("C C n n n", $b);
  return $seq == 1 ? [$id, 1, undef] : undef if $type == 129;
  return undef unless $type == 1 || $type == 2 || $type == 3;
  my $q = substr($b, 8);
  return undef if length($q) < 48 || ord(substr($q, 6, 1)) != 58 || ord(substr($q, 40, 1)) != 128;
  return [unpack("n", substr($q, 44, 2)), 0, substr($q, 24, 16)];
}

open(my $fh, ">", $out) or die "$out: $!\n";
print $fh "$from[$_] $to[$_] $code[$_]\n" for 0 .. $#from;
close($fh) or die "$out: $!\n";
