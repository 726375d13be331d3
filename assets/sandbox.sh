# ipvlab sandbox: the mounts that keep a lab from writing the machine it runs on.
#
# Sourced inside a mount namespace of ipvlab's own (never the machine's): on the
# host engine by the sandbox's first process, on the uml engine by the wrapper
# that starts linux.uml and by the guest's init. Every function fails (status
# non-zero) rather than leave a place writable that should not be.

# Every mount read-only, each with its other options kept (a mount in a user
# namespace refuses a remount that would drop nosuid, nodev or the like). A
# mount whose path leads nowhere (its mount point was deleted) is out of every
# lab's reach already.
ipvlab_readonly() {
  local mp opts
  while read -r _ _ _ _ mp opts _; do
    mp=$(printf '%b' "$mp")  # mountinfo writes a space in a path as \040
    [ -e "$mp" ] || continue
    mount -o "remount,bind,ro,${opts#rw,}" "$mp" 2>/dev/null ||
      { echo "cannot make $mp read-only" >&2; return 1; }
  done < <(cat /proc/self/mountinfo)
}

# A writable layer over each directory given: reads see what is there, writes
# land in a tmpfs and vanish with the namespace. The tmpfs is mounted on the
# directory $1 only while the layers are stacked (an overlay keeps a private
# hold on its upper directory), so no lab sees it. A directory overlayfs will
# not take as its lower layer (some network and FUSE file systems) stays
# read-only: a lab's writes there fail, and say so.
ipvlab_layers() {
  local spare=$1 dir n=0; shift
  mount -t tmpfs -o mode=0700 ipvlab-layers "$spare" || return
  for dir in "$@"; do
    n=$((n + 1))
    mkdir "$spare/$n" "$spare/$n/upper" "$spare/$n/work" &&
      mount -t overlay ipvlab-layer -o "lowerdir=$dir,upperdir=$spare/$n/upper,workdir=$spare/$n/work" "$dir" ||
      echo "no writable layer over $dir: it stays read-only" >&2
  done
  umount -l "$spare"
}

# The work directory, where the driver writes results for ipvlab to read, made
# writable again on top of whatever layer or read-only mount covers it.
ipvlab_writable() {
  mount --bind "$1" "$1" && mount -o remount,bind,rw "$1" ||
    { echo "cannot keep $1 writable" >&2; return 1; }
}

# The host engine's sandbox: the machine's files read-only; a layer over the
# places labs write; the work directory writable; /proc/sys writable under
# net/ only, which shows each network namespace its own settings (vm.*,
# kernel.* and the like belong to the whole machine). Called as
# ipvlab_host_mounts WORK DIR...
ipvlab_host_mounts() {
  local work=$1; shift
  ipvlab_readonly || return
  # The layers hide the work directory when it is under one of them: it is
  # bound aside first, in a tmpfs on /run that is replaced by a fresh one after.
  mount -t tmpfs -o mode=0700 ipvlab-aside /run &&
    mkdir /run/work /run/layers &&
    mount --bind "$work" /run/work || return
  ipvlab_layers /run/layers "$@" || return
  mount --move /run/work "$work" && mount -o remount,bind,rw "$work" || return
  umount -l /run && mount -t tmpfs -o mode=0755 ipvlab-run /run || return
  mount -t tmpfs -o mode=1777 ipvlab-shm /dev/shm || return
  mount --bind /proc/sys/net /proc/sys/net && mount -o remount,bind,rw /proc/sys/net
}

# The uml engine's wrapper, around linux.uml: the machine's files read-only
# (whatever the guest mounts, hostfs writes only what this namespace lets it),
# the work directory writable, and a tmpfs of the namespace's own for the
# guest's memory file. Called as ipvlab_uml_mounts WORK.
ipvlab_uml_mounts() {
  ipvlab_readonly && ipvlab_writable "$1" && mount -t tmpfs -o mode=1777 ipvlab-shm /dev/shm
}
