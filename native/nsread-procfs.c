/*
 * Where nsread looks a namespace's sysctls up: /proc/sys of a procfs of its
 * own, made anew for every PROCFS_SPAN namespaces (issue 13).
 *
 * Why: each network namespace's /proc/sys/net is a dentry of its own with
 * the one name "net" under the one /proc/sys, so all of them hang in one
 * hash chain, and the first lookup of "net" in a namespace walks every
 * other namespace's entry, comparing each under the kernel's sysctl lock
 * (proc_sys_compare), twice or three times (the lookup is retried without
 * RCU). While a lab of 1000 hosts is made, that was about 14% of the CPU of
 * its namespace wave. A procfs instance of its own (fsopen and fsmount,
 * Linux 5.2, a new superblock since 5.8: nothing is mounted anywhere, the
 * mount is only an fd) has a /proc/sys of its own, under which only the
 * namespaces looked up there hang. Measured on this machine, one thread
 * opening net/ipv4 and net/ipv6 in each of 1000 new namespaces: 290-350 ms
 * through /proc, 26 ms with a procfs made for each 32 (1.2 ms of it making
 * the 32), 59 ms with one made for each namespace; at 200, 13 ms and 5.5 ms.
 * A directory opened there reads the same table, so the same values, as
 * one opened through /proc (the namespace is the one of the thread at the
 * lookup, as under /proc); its fd keeps that procfs alive, and nothing else
 * does once a newer one replaced it.
 *
 * Where a procfs cannot be made (a kernel without the new mount API, a
 * container that forbids it), /proc/sys is used, as before.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "nsread.h"

#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x00000001
#endif
#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE 6
#endif

/* Namespaces looked up under one procfs before a new one is made (see above: 32 cost 26 ms for 1000, 8 cost 31). */
enum { PROCFS_SPAN = 32 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int current = -1, uses, unavailable;

/* The /proc/sys of a new procfs instance, or -1 (errno set). */
static int private_sys(void) {
#if defined(SYS_fsopen) && defined(SYS_fsconfig) && defined(SYS_fsmount)
  int fs = (int)syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
  if (fs < 0) return -1;
  int mnt = -1;
  if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
    mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
  int e = errno;
  close(fs);
  if (mnt < 0) {
    errno = e;
    return -1;
  }
  int sys = openat(mnt, "sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  e = errno;
  close(mnt);
  errno = e;
  return sys;
#else
  errno = ENOSYS;
  return -1;
#endif
}

int sysctl_root(void) {
  pthread_mutex_lock(&lock);
  if (!unavailable && (current < 0 || uses >= PROCFS_SPAN)) {
    int fresh = private_sys();
    if (fresh >= 0) {
      if (current >= 0) close(current);
      current = fresh;
      uses = 0;
    } else if (current < 0) unavailable = 1;
  }
  uses++;
  int fd = current >= 0 ? fcntl(current, F_DUPFD_CLOEXEC, 0) : -1;
  pthread_mutex_unlock(&lock);
  return fd >= 0 ? fd : open("/proc/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}
