#!/bin/bash
# ipvlab snapshot reader: prints, as one JSON document on stdout, what the
# kernel says about every network namespace of this machine (or of the lab
# host it runs in). It only reads: `ip -j`, `bridge -j` and `tc -j` listings,
# files under /proc and the container runtimes' metadata files. It enters
# other namespaces with `nsenter --net=FILE` (setns on a file that exists
# already), which creates nothing and mounts nothing.
#
#   snapshot.sh [--scope machine|uts]
#
# --scope uts: only the namespaces of processes in this process's UTS
# namespace (a lab host of ipvlab's real engines, whose other hosts are other
# machines that share its /proc); machine (the default): every process.
#
# Output: {"hostname", "kernel", "reader", "namespaces": [{"id", "kind"
# (root|named|process), "name", "pid", "comm", "container", "link", "addr",
# "route", "route6", "rule", "neigh", "neighProxy", "brlink", "fdb", "qdisc",
# "sysctl": {"net/ipv4/...": "value"}, "netfilter": [...]}]}.

set -u
export LC_ALL=C
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

scope=machine
while [ $# -gt 0 ]; do
  case $1 in
    --scope) scope=${2:-}; shift 2 || shift ;;
    --scope=*) scope=${1#*=}; shift ;;
    *) echo "snapshot.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case $scope in machine|uts) ;; *) echo "snapshot.sh: --scope machine|uts" >&2; exit 2 ;; esac

for tool in ip bridge nsenter; do
  command -v "$tool" >/dev/null || { echo "snapshot.sh: $tool is not installed" >&2; exit 3; }
done

# A JSON string of $1.
snap_str() {
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\t'/\\t}; s=${s//$'\r'/}
  printf '"%s"' "$s"
}

# A listing that may fail (a tool or object type the kernel lacks): its JSON, or [] and the reason on stderr.
snap_list() {
  local out
  if out=$("$@" 2>/dev/null) && [ -n "$out" ]; then printf '%s' "$out"; else printf '[]'; fi
}

# Everything one namespace holds; runs inside it.
snap_inside() {
  printf '"link":'; snap_list ip -j -d link show
  printf ',"addr":'; snap_list ip -j -d addr show
  printf ',"route":'; snap_list ip -j -d -4 route show table all
  printf ',"route6":'; snap_list ip -j -d -6 route show table all
  printf ',"rule":'; snap_list ip -j -4 rule show
  printf ',"neigh":'; snap_list ip -j -4 neigh show
  printf ',"neighProxy":'; snap_list ip -j -4 neigh show proxy
  printf ',"brlink":'; snap_list bridge -j -d link show
  printf ',"fdb":'; snap_list bridge -j fdb show
  printf ',"qdisc":'
  if command -v tc >/dev/null; then snap_list tc -j qdisc show; else printf '[]'; fi
  # Netfilter: which tables exist, read from /proc only (listing nf_tables
  # through netlink could load modules, which is a change to the machine).
  printf ',"netfilter":['
  local sep= f t
  for f in /proc/net/ip_tables_names /proc/net/ip6_tables_names /proc/net/arp_tables_names; do
    [ -r "$f" ] || continue
    while read -r t; do
      [ -n "$t" ] && { printf '%s' "$sep"; snap_str "${f##*/}:$t"; sep=,; }
    done < "$f"
  done
  printf ']'
  printf ',"sysctl":{'
  sep=
  local v k
  for f in /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/*/* /proc/sys/net/ipv6/conf/*/disable_ipv6 /proc/sys/net/ipv6/conf/*/forwarding; do
    [ -f "$f" ] && [ -r "$f" ] || continue
    read -r v < "$f" 2>/dev/null || continue
    k=${f#/proc/sys/}
    printf '%s' "$sep"; snap_str "$k"; printf ':'; snap_str "$v"; sep=,
  done
  printf '}'
}
export -f snap_inside snap_list snap_str

# The name a runtime gave the container a process belongs to, from files the
# runtime wrote (read only); empty when none says.
snap_container() {
  local pid=$1 cg id name line
  cg=$(cat "/proc/$pid/cgroup" 2>/dev/null) || return 0
  if [[ $cg =~ docker[-/]([0-9a-f]{64}) ]]; then
    id=${BASH_REMATCH[1]}
    name=$(grep -o '"Name":"/[^"]*"' "/var/lib/docker/containers/$id/config.v2.json" 2>/dev/null | head -n1)
    name=${name#\"Name\":\"/}; name=${name%\"}
    printf 'docker %s %s' "$id" "${name:-${id:0:12}}"
  elif [[ $cg =~ libpod-([0-9a-f]{64}) ]]; then
    id=${BASH_REMATCH[1]}
    while IFS= read -r line; do
      [[ $line == name=* ]] && { name=${line#name=}; name=${name//\"/}; break; }
    done < "/proc/$pid/root/run/.containerenv" 2>/dev/null
    printf 'podman %s %s' "$id" "${name:-${id:0:12}}"
  elif [[ $cg =~ (cri-containerd-|containerd/|crio-)([0-9a-f]{64}) ]]; then
    id=${BASH_REMATCH[2]}
    # A pod's containers get the pod's name as their hostname (HOSTNAME in their environment).
    name=$(tr '\0' '\n' < "/proc/$pid/environ" 2>/dev/null | grep -m1 '^HOSTNAME=' | cut -d= -f2)
    printf 'containerd %s %s' "$id" "${name:-${id:0:12}}"
  fi
}

snap_ns() {
  local kind=$1 name=$2 pid=$3 comm=$4 container=$5 id=$6; shift 6
  printf '{"kind":%s,"name":%s,"id":%s' "$(snap_str "$kind")" "$(snap_str "$name")" "$(snap_str "$id")"
  [ -n "$pid" ] && printf ',"pid":%s,"comm":%s' "$pid" "$(snap_str "$comm")"
  if [ -n "$container" ]; then
    local rt cid cname
    read -r rt cid cname <<< "$container"
    printf ',"container":{"runtime":%s,"id":%s,"name":%s}' "$(snap_str "$rt")" "$(snap_str "$cid")" "$(snap_str "$cname")"
  fi
  printf ','
  # Entering a namespace takes CAP_SYS_ADMIN: without it, say so rather than read the wrong one.
  local out why
  if why=$("$@" /bin/true 2>&1) && out=$("$@" /bin/bash -c snap_inside) && [ -n "$out" ]; then
    printf '%s' "$out"
  else
    printf '"unreadable":%s' "$(snap_str "${why:-the listing failed}")"
  fi
  printf '}'
}

self_net=$(readlink /proc/self/ns/net)
self_uts=$(readlink /proc/self/ns/uts)
printf '{"reader":"ipvlab snapshot.sh","scope":%s,"hostname":%s,"kernel":%s,"namespaces":[' \
  "$(snap_str "$scope")" "$(snap_str "$(hostname 2>/dev/null || cat /proc/sys/kernel/hostname)")" "$(snap_str "$(uname -r)")"
snap_ns root "" "" "" "" "$self_net" env
declare -A seen=(["$self_net"]=1)
if [ -d /run/netns ]; then
  for f in /run/netns/*; do
    [ -e "$f" ] || continue
    ino=$(stat -L -c %i "$f" 2>/dev/null) || continue
    id="net:[$ino]"
    [ -n "${seen[$id]:-}" ] && continue
    seen[$id]=1
    printf ','
    snap_ns named "${f##*/}" "" "" "" "$id" nsenter "--net=$f"
  done
fi
# Unnamed namespaces, each once, by the lowest pid holding it. (A here-string, not <(...):
# a machine without /dev/fd, as User-Mode Linux booted by ipvlab, has no process substitution.)
unreadable=()
while read -r p net; do
  pid=${p#/proc/}; pid=${pid%%/*}
  # A process whose namespace this reader may not look at (no ptrace access to it).
  [[ $net == net:\[* ]] || { unreadable+=("$pid"); continue; }
  [ -n "${seen[$net]:-}" ] && continue
  if [ "$scope" = uts ] && [ "$(readlink "/proc/$pid/ns/uts" 2>/dev/null)" != "$self_uts" ]; then continue; fi
  seen[$net]=1
  read -r comm < "/proc/$pid/comm" 2>/dev/null || comm=?
  printf ','
  snap_ns process "" "$pid" "$comm" "$(snap_container "$pid")" "$net" nsenter "--net=/proc/$pid/ns/net"
done <<< "$(find /proc/[0-9]*/ns/net -maxdepth 0 -printf '%p %l\n' 2>/dev/null | sort -t/ -k3,3n)"
printf '],"unreadablePids":[%s]}\n' "$(IFS=,; echo "${unreadable[*]}")"
