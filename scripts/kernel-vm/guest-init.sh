#!/bin/busybox sh
# PID 1 of the kernel-test VM (built into the initramfs by initramfs.ts).
# Mounts the host's root read-only over virtio-9p, gives it writable tmpfs where
# programs expect to write, chroots into it to run the job script named on the
# kernel command line (netplumb.job=/abs/path), and reports the job's exit status
# as a marker line on the serial console, since qemu's own status cannot carry it.
/bin/busybox --install -s
export PATH=/bin:/sbin:/usr/bin:/usr/sbin

say() { echo "netplumb-vm: $*"; }
finish() {
  echo "NETPLUMB-VM-EXIT=$1"
  sync
  poweroff -f
  sleep 30
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

# Modules for the 9p root, listed dependencies-first by the builder from modules.dep.
while read -r m; do
  [ -n "$m" ] || continue
  insmod "/modules/$m" || { say "insmod $m failed"; finish 125; }
done < /modules/order

# The virtio device may finish probing just after its driver loads: retry briefly.
tries=0
until mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose,ro host /newroot 2>/dev/null; do
  tries=$((tries + 1))
  [ "$tries" -lt 50 ] || { say "cannot mount the host root over virtio-9p (tag 'host')"; finish 125; }
  sleep 0.1
done

R=/newroot
# Keep a view of the host's /tmp before tmpfs covers it: a checkout under /tmp
# (CI clones into a temporary folder) is bound back in below.
mkdir -p /hosttmp && mount --bind "$R/tmp" /hosttmp
mount -t tmpfs -o mode=1777,size=1024m tmpfs "$R/tmp" || finish 125
mount -t tmpfs -o mode=0755 tmpfs "$R/run" || finish 125
mount -t proc proc "$R/proc" || finish 125
mount -t sysfs sysfs "$R/sys" || finish 125
mount -t devtmpfs devtmpfs "$R/dev" || finish 125
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts devpts "$R/dev/pts"
mount -t tmpfs -o mode=1777 tmpfs "$R/dev/shm"
# `ip netns` keeps its bind mounts under /run/netns (now tmpfs); /var/run is a link to /run.

# The kernel runs its module helper from its own root (this initramfs), not from the
# chroot: point it at a wrapper that runs the host's modprobe with the host's modules,
# so on-demand loading (e.g. `tc qdisc add ... netem`) works as on a user's machine.
echo /bin/modprobe-host > /proc/sys/kernel/modprobe

# The loopback up with 127.0.0.1, as any booted Debian has it (tests read the root's lo).
/bin/busybox ip link set lo up

job=$(sed -n 's/.*netplumb\.job=\([^ ]*\).*/\1/p' /proc/cmdline)
[ -n "$job" ] || { say "no netplumb.job= on the kernel command line"; finish 125; }
case "$job" in
  /tmp/*/*)
    top=${job#/tmp/}
    top=${top%%/*}
    mkdir -p "$R/tmp/$top" && mount --bind "/hosttmp/$top" "$R/tmp/$top" || { say "cannot bind /tmp/$top from the host"; finish 125; }
    ;;
esac
[ -f "$R$job" ] || { say "job script $job not found on the host root"; finish 125; }

say "booted in $(cut -d' ' -f1 /proc/uptime)s, kernel $(uname -r), running $job"
chroot "$R" /bin/sh "$job"
code=$?
say "job finished at $(cut -d' ' -f1 /proc/uptime)s"
finish "$code"
