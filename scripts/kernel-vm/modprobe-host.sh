#!/bin/busybox sh
# The kernel's module helper inside the VM: load modules with the host's modprobe
# and module tree (the host root is mounted at /newroot by guest-init.sh).
exec /bin/busybox chroot /newroot /sbin/modprobe "$@"
