# ipvlab driver: builds a lab out of namespaces on a real kernel and runs its steps.
#
# Sourced by a plan that ipvlab generates (see src/engines/real/plan.ts); runs as
# root either as PID 1's child inside User-Mode Linux or inside a fresh
# pid+net+mount namespace on the host. Never touches anything outside the
# namespaces it creates itself.
#
# Results go to files under the lab's output directory, one directory per step:
#   rc, stdout, stderr, cap<K>.pcap, cap<K>.txt, cap<K>.err     (command steps)
#   errs ("LINE STATUS" per failing command), at (the line running last), killed
#   endpoints, cell.<I>.<J>                                      (matrix steps)
# Progress goes to stdout as "@@ipvlab <event> ..." lines.

set -u
# Everything the driver starts starts in /, as a freshly logged-in root shell would.
cd / || exit 3
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
# Where this file and its helpers are.
IPVLAB_ASSETS=${BASH_SOURCE[0]%/*}

declare -A HOST_PID=() NET_PID=() NET_HAIRPIN=()
HOSTS=()
LAB_OUT=
LAB_TAG=
IPV6_OFF=1

ipvlab_say() { printf '@@ipvlab %s\n' "$*"; }

# Sleeps without starting a process (every exec is slow under UML): a read that
# times out on a FIFO nobody writes to (/run is a tmpfs on both real engines).
mkfifo /run/ipvlab-nap.$$ && exec {IPVLAB_NAPFD}<> /run/ipvlab-nap.$$ && rm -f /run/ipvlab-nap.$$
ipvlab_nap() { read -r -t "$1" -u "$IPVLAB_NAPFD" _ 2>/dev/null; }

# Starts a process in a new net+mount namespace that holds both alive, with a
# private /run/netns (so `ip netns add` in one lab host is invisible to the
# others), its own sysfs and loopback up; and its own UTS and IPC namespaces,
# so `hostname` or a SysV queue in one lab host reaches neither the others
# nor the machine. $3 is more for `ip -batch` to do there. Sets REPLY to its
# pid. As few programs as can be (each start costs ~40 ms under UML): one
# mount for all four file systems, one ip, and the holder waits on the nap
# FIFO rather than in a sleep.
ipvlab_holder() {
  local ready=$1 ipv6off=$2 batch=${3:-}
  unshare --net --mount --uts --ipc --propagation private -- /bin/bash -c '
    mount -a -T "$2" || exit 1
    ipvlab_defaults "$1" || exit 1
    ip -batch - <<< "link set lo up${4:+
$4}" || exit 1
    : > "$0"
    read -r -u "$3" _
    exec sleep infinity' "$ready" "$ipv6off" "$LAB_OUT/fstab" "$IPVLAB_NAPFD" "$batch" </dev/null >/dev/null 2>"$ready.err" &
  REPLY=$!
  until [ -e "$ready" ]; do
    if ! kill -0 "$REPLY" 2>/dev/null; then
      ipvlab_say fatal "cannot create a namespace: $(tr '\n' ' ' < "$ready.err")"
      exit 3
    fi
    ipvlab_nap 0.01
  done
}

# nsenter into a lab host, tagged so that everything it starts can be found again.
ipvlab_in_host() {
  local host=$1; shift
  IPVLAB_LAB=$LAB_TAG nsenter -t "${HOST_PID[$host]}" -n -m -u -i -- "$@"
}

# Writes kernel defaults for what changes outcomes, so a lab host starts like a
# freshly booted machine whatever the distribution around it set. Only values
# that differ are written: a write to conf/default marks the knob as set by hand
# (cnf->state), and devices born later copy that mark, which stops later writes
# to conf/default from reaching them as they would on a fresh machine.
ipvlab_set() {
  local v
  read -r v < "$1" && [ "$v" = "$2" ] || echo "$2" > "$1"
}
ipvlab_defaults() {
  local c=/proc/sys/net/ipv4/conf k knob
  ipvlab_set /proc/sys/net/ipv4/ip_forward 0
  for k in all default; do
    for knob in rp_filter arp_ignore arp_announce arp_filter accept_local proxy_arp; do
      ipvlab_set $c/$k/$knob 0
    done
  done
  if [ -d /proc/sys/net/ipv6/conf ]; then
    ipvlab_set /proc/sys/net/ipv6/conf/all/disable_ipv6 "$1"
    ipvlab_set /proc/sys/net/ipv6/conf/default/disable_ipv6 "$1"
  fi
}
export -f ipvlab_set ipvlab_defaults

# The host engine only (IPVLAB_NETNS_INHERIT=1): a namespace made by `ip netns
# add` inside a lab host starts from this machine's init_net settings, because
# net.core.devconf_inherit_init_net is machine-wide and ipvlab must not touch
# it. Under uml it is 3: the namespace copies its creator's conf/all and
# conf/default. Lab scripts get an `ip` that does the same copy after
# `ip [OPTIONS] netns add NAME`, writing only the values that differ.
ipvlab_inherit_conf() {
  local f
  for f in /proc/sys/net/ipv4/conf/{all,default}/* /proc/sys/net/ipv6/conf/{all,default}/disable_ipv6; do
    [ -w "$f" ] && printf '%s %s\n' "$f" "$(< "$f")"
  done | command ip netns exec "$1" /bin/bash -c 'while read -r f v; do ipvlab_set "$f" "$v" 2>/dev/null; done'
}
ipvlab_ip_netns_inherit() {
  command ip "$@" || return
  local a=("$@") i=0
  while [[ ${a[i]:-} == -* ]]; do
    case ${a[i]} in -n|-netns|-b|-batch|-rc|-rcvbuf|-l|-loops|-f|-family) i=$((i + 2)) ;; *) i=$((i + 1)) ;; esac
  done
  [[ ${a[i]:-} =~ ^(net|netn|netns)$ && ${a[i + 1]:-} =~ ^(a|ad|add)$ && -n ${a[i + 2]:-} ]] || return 0
  ipvlab_inherit_conf "${a[i + 2]}"
  return 0
}
if [ "${IPVLAB_NETNS_INHERIT:-}" = 1 ]; then
  ip() { ipvlab_ip_netns_inherit "$@"; }
  export -f ip ipvlab_ip_netns_inherit ipvlab_inherit_conf
fi

# Sourced by bash before a step's script (BASH_ENV): bash's own ERR trap
# notes each failing command's line and status, and marks the place in its
# stderr (0x1e) so that what the command said can be told apart; the DEBUG
# trap notes the line running, for a step killed at its timeout. Both keep
# $? and $_ as the script would see them, and neither reaches the script's
# children (BASH_ENV is unset, the paths unexported).
ipvlab_write_errtrap() {
  local t
  IFS= read -r -d '' t <<'TRAP'
trap 'IPVLAB_S=$? IPVLAB_EU=$_; printf "%s %s\n" "$LINENO" "$IPVLAB_S" >> "$IPVLAB_ERRS"; printf "\036" >&2; : "$IPVLAB_EU"' ERR
trap 'IPVLAB_DU=$_; printf "%s\n" "$LINENO" > "$IPVLAB_AT"; : "$IPVLAB_DU"' DEBUG
export -n IPVLAB_ERRS IPVLAB_AT
unset BASH_ENV
TRAP
  printf '%s' "$t" > "$1"
}

ipvlab_lab_begin() {
  LAB_OUT=$1 LAB_TAG=$2 IPV6_OFF=$3
  HOSTS=(); HOST_PID=(); NET_PID=(); NET_HAIRPIN=()
  [ -d "$LAB_OUT" ] || mkdir -p "$LAB_OUT"
  ipvlab_write_errtrap "$LAB_OUT/errtrap.sh"
  # uname -r, without starting it.
  local release
  read -r release < /proc/sys/kernel/osrelease && printf '%s\n' "$release" > "$LAB_OUT/kernel"
  # Every lab host's own file systems, mounted by one `mount -a` (ipvlab_holder):
  # its /run/netns and sysfs, and what CNI plugins (host-local leases) and
  # docker in the lab scripts keep, gone with the lab host.
  { [ -d /var/lib/cni ] || mkdir -p /var/lib/cni; } && { [ -d /var/lib/docker ] || mkdir -p /var/lib/docker; } || exit 3
  printf '%s\n' "ipvlab-netns /run/netns tmpfs mode=0755 0 0" "ipvlab-sysfs /sys sysfs defaults 0 0" \
    "ipvlab-cni /var/lib/cni tmpfs mode=0755 0 0" "ipvlab-docker /var/lib/docker tmpfs mode=0710 0 0" > "$LAB_OUT/fstab"
  # With net.core.devconf_inherit_init_net=1 (set under UML) namespaces made by
  # `ip netns add` inside a lab host copy these; on the host engine this is the
  # sandbox's own namespace and changes nothing outside it.
  [ -d /proc/sys/net/ipv6/conf ] && ipvlab_set /proc/sys/net/ipv6/conf/default/disable_ipv6 "$IPV6_OFF"
  ipvlab_say lab "$LAB_TAG"
}

ipvlab_net() {
  local name=$1
  NET_HAIRPIN[$name]=$2
  # The network's own namespace never has IPv6: it must not talk on the lab's wire.
  # A network is a plain bridge: learns, floods, never sends a frame back out its ingress port.
  # mcast_snooping 0: a snooping bridge sends IGMP reports of its own onto the lab's wire.
  ipvlab_holder "$LAB_OUT/.net-$name" 1 "link add br0 up type bridge mcast_snooping 0"
  NET_PID[$name]=$REPLY
}

ipvlab_host() {
  local name=$1
  ipvlab_holder "$LAB_OUT/.host-$name" "$IPV6_OFF"
  HOST_PID[$name]=$REPLY
  HOSTS+=("$name")
}

# A lab interface: a veth pair, the host's end named and addressed as the lab
# says (left down, like a NIC before it is configured), the other a bridge port.
ipvlab_iface() {
  local host=$1 dev=$2 net=$3 mac=$4 port=$5 portmac=$6
  # A hairpin network reflects frames back out their ingress port (a VEPA's upstream switch).
  local batch="link add $port address $portmac type veth peer name $dev address $mac netns ${HOST_PID[$host]}
link set $port master br0 up"
  [ "${NET_HAIRPIN[$net]}" = 1 ] && batch+="
link set $port type bridge_slave hairpin on"
  nsenter -t "${NET_PID[$net]}" -n -- ip -batch - <<< "$batch" || { ipvlab_say fatal "cannot create $host:$dev on $net"; exit 3; }
}

# Captures: "host|netns|dev" (netns "-" for the root namespace) and a tcpdump
# filter, empty for every frame.
CAP_PIDS=()
ipvlab_capture_start() {
  local f=$1 spec=$2 filter=$3 host ns dev pid
  IFS='|' read -r host ns dev <<< "$spec"
  local pre=() expr=()
  [ "$ns" != - ] && pre=(ip netns exec "$ns")
  # The filter is tcpdump's expression, one argument after "--": never an option, never split.
  [ -n "$filter" ] && expr=(-- "$filter")
  # Started directly, not through a function, so that $! is tcpdump itself
  # (nsenter and `ip netns exec` both exec) and the stop signal reaches it.
  IPVLAB_LAB=$LAB_TAG nsenter -t "${HOST_PID[$host]}" -n -m -u -i -- "${pre[@]}" tcpdump -n -e -U --immediate-mode -Z root -i "$dev" -w "$f.pcap" "${expr[@]}" </dev/null >/dev/null 2>"$f.err" &
  pid=$!
  CAP_PIDS+=("$pid")
  local n=0 line=
  until [[ $line == *"listening on"* ]]; do
    kill -0 "$pid" 2>/dev/null || return 0
    n=$((n + 1)); [ $n -gt 1000 ] && return 0
    ipvlab_nap 0.01
    read -r line < "$f.err"
  done
}

ipvlab_capture_stop() {
  local d=$1 k pid
  [ ${#CAP_PIDS[@]} -eq 0 ] && return 0
  # Let frames still in flight (a late reply, a retransmitted ARP) land in this step's capture.
  ipvlab_nap 0.3
  # SIGTERM, not SIGINT: background jobs of a non-interactive shell ignore SIGINT.
  for pid in "${CAP_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${CAP_PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  CAP_PIDS=()
  for k in "$d"/cap*.pcap; do
    [ -e "$k" ] && tcpdump -n -e -r "$k" > "${k%.pcap}.txt" 2>"${k%.pcap}.rerr"
  done
  return 0
}

# A command step: idx host timeout [capture filter]...; the command is cmd/<idx>.sh.
ipvlab_step() {
  local idx=$1 host=$2 timeout=$3; shift 3
  local d=$LAB_OUT/$idx k=0
  [ -d "$d" ] || mkdir -p "$d"
  ipvlab_say step "$idx"
  while [ $# -ge 2 ]; do
    ipvlab_capture_start "$d/cap$k" "$1" "$2"
    shift 2
    k=$((k + 1))
  done
  local t0=${EPOCHREALTIME/./} rc
  # No subshell around it (a fork is ~8 ms under UML): the driver's cwd is / (above).
  IPVLAB_LAB=$LAB_TAG IPVLAB_ERRS=$d/errs IPVLAB_AT=$d/at BASH_ENV=$LAB_OUT/errtrap.sh \
    timeout -s KILL "$timeout" nsenter -t "${HOST_PID[$host]}" -n -m -u -i -- /bin/bash "$LAB_OUT/cmd/$idx.sh" \
    < /dev/null > "$d/stdout" 2> "$d/stderr"
  rc=$?
  echo $rc > "$d/rc"
  # 137 is also a script's own `kill -9`: only a run that lasted the whole timeout was timeout's.
  [ $rc = 137 ] && [ $(( ${EPOCHREALTIME/./} - t0 )) -ge $(( timeout * 1000000 - 100000 )) ] && : > "$d/killed"
  ipvlab_capture_stop "$d"
}

# Every (host, netns, device, IPv4 address) but loopback, one per line:
# "<host> <netns|-> <dev> <address>", hosts in lab order, root namespace first.
# A process per listing and nothing more (every fork costs ~16 ms under UML):
# a host's namespaces are the names under its private /run/netns, which the
# driver reads through the holder's root, sorted as `sort` would (LC_ALL=C).
ipvlab_endpoints() {
  local h family=${1:-inet} linklocal=${2:-0} f ns
  for h in "${HOSTS[@]}"; do
    ipvlab_endpoints_of "$h" - "$family" "$linklocal"
    for f in /proc/"${HOST_PID[$h]}"/root/run/netns/*; do
      [ -e "$f" ] || continue
      ns=${f##*/}
      ipvlab_endpoints_of "$h" "$ns" "$family" "$linklocal"
    done
  done
}
ipvlab_endpoints_of() {
  local h=$1 ns=$2 family=$3 linklocal=$4 dev fam addr rest pre=()
  [ "$ns" != - ] && pre=(-n "$ns")
  while read -r _ dev fam addr rest; do
    dev=${dev%%@*}
    [ "$dev" = lo ] && continue
    case $fam in
      inet)
        [ "$family" = inet6 ] && continue
        case $addr in 127.*) continue ;; esac ;;
      inet6)
        # Global addresses that passed DAD, and with link-local on, fe80:: ones that did.
        case " $rest " in *" tentative "* | *" dadfailed "*) continue ;; esac
        case " $rest " in
          *" scope global "*) [ "$family" = inet ] && continue ;;
          *" scope link "*)
            [ "$linklocal" = 1 ] || continue
            case $addr in [fF][eE][89aAbB]?:*) ;; *) continue ;; esac ;;
          *) continue ;;
        esac ;;
      *) continue ;;
    esac
    echo "$h $ns $dev ${addr%/*}"
  done < <(IPVLAB_LAB=$LAB_TAG exec nsenter -t "${HOST_PID[$h]}" -n -m -u -i -- ip "${pre[@]}" -o addr show)
}

# All pairs in different namespaces pinged, each cell what `ping -c 1 -I from to` does,
# waiting 900 ms for its answer, from the source's namespace, by one process (see matrix-ping.pl): cells holds
# "I J CODE" lines, CODE 0 for a cell that was answered.
ipvlab_matrix() {
  local idx=$1 d=$LAB_OUT/$1 h ns dev a
  [ -d "$d" ] || mkdir -p "$d"
  ipvlab_say step "$idx"
  ipvlab_endpoints "${2:-inet}" "${3:-0}" > "$d/endpoints"
  while read -r h ns dev a; do
    if [ "$ns" = - ]; then
      echo "/proc/${HOST_PID[$h]}/ns/net $dev $a"
    else
      echo "/proc/${HOST_PID[$h]}/root/run/netns/$ns $dev $a"
    fi
  done < "$d/endpoints" | perl "$IPVLAB_ASSETS/matrix-ping.pl" "$d/cells" 2> "$d/matrix.err"
}

# Ends a lab: every process it started, and so every namespace it made, goes.
ipvlab_lab_end() {
  local p h
  for h in "${HOST_PID[@]}" "${NET_PID[@]}"; do kill -KILL "$h" 2>/dev/null; done
  for h in "${HOST_PID[@]}" "${NET_PID[@]}"; do wait "$h" 2>/dev/null; done
  # Read with builtins only: a fork per process would cost seconds under UML.
  local kv
  for p in /proc/[0-9]*; do
    { while IFS= read -r -d '' kv; do
        if [[ $kv == "IPVLAB_LAB=$LAB_TAG" ]]; then kill -KILL "${p#/proc/}"; break; fi
      done < "$p/environ"; } 2>/dev/null
  done
  wait 2>/dev/null
  : > "$LAB_OUT/done"
  ipvlab_say lab-done "$LAB_TAG"
}
