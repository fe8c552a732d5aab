/*
 * Kept sysctl directories and files (issue 13, "past the floor"): per
 * namespace, an open fd of /proc/sys/net/ipv4 and /proc/sys/net/ipv6, and
 * of each sysctl file read there, kept by `nsread serve` from one request to
 * the next.
 *
 * Why: every namespace's net/ipv4 (and net/ipv6) directory entry hangs
 * under the one shared /proc/sys/net entry, with the same name, so the
 * kernel's path lookup walks the entries of all namespaces and compares
 * each (proc_sys_compare, under a lock): one lookup is O(namespaces). At
 * 1000 namespaces the lookups were 420 ms of the reader's 530 ms of CPU.
 * A lookup below a kept directory fd stays in that namespace's own tree:
 * on this machine, reading 4 sysctls in each of 1000 namespaces took
 * 210 ms by path and 40 ms through kept fds.
 *
 * A kept file is read again with pread at offset 0: the kernel runs the
 * key's handler on every read, so the value is the one of that moment
 * (measured: 1800 reads, 200 namespaces x 9 keys, 24 ms by open, read and
 * close under a kept directory, 5 ms by pread of kept files). A file's
 * table goes when what it belongs to goes: a device renamed, moved or
 * deleted, its namespace deleted; every read of a kept fd of it then fails
 * with ENOENT, and the key is opened again by its path (held_file_drop).
 *
 * A kept fd does not keep its namespace alive (the namespace's interfaces
 * go when it is deleted), it reads that namespace's values whichever
 * namespace the reading thread is in, and once the namespace is gone every
 * use of it fails with ENOENT (the kernel has unregistered its tables).
 * Entries are keyed by the namespace's nsfs inode (dev, ino) and the path.
 * An inode number is reused only after its namespace is gone, so an entry
 * found for a namespace the caller holds open (and so alive) is either that
 * namespace's or stale; held_dir() checks with fstat, which fails on a stale
 * one.
 *
 * The fds live in the server: a request's child (nsread-serve.c) inherits
 * them, and sends each directory it opens anew to the server over a socket
 * (SCM_RIGHTS), which the server takes in while it waits for the child.
 * Outside serve mode the table lives as long as the one invocation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "nsread.h"

typedef struct {
  uint64_t dev, ino;
  char path[HELD_PATH];
} held_key_t;

typedef struct {
  held_key_t k;
  int fd;   /* -1: known to the server, not open here (run mode) */
  int dead; /* stale, or replaced: skipped by lookups */
  int next; /* index + 1 of the next entry in the bucket, 0 at the end */
} held_t;

/* SEND_TRIES: how many times a send finds the socket full (each then waits up to 10 ms) before giving up. */
enum { NBUCKETS = 4096, PER_MESSAGE = 64, SEND_TRIES = 20 };
static held_t *tab;
static int ntab, captab, live_after_sweep, full_sweep_at = -1;
static int buckets[NBUCKETS]; /* index + 1 of the first entry, 0: empty */
/* Read-locked for lookups (two threads read their namespaces' keys at once), write-locked to change the table. */
static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
/* How many fds the table may hold: leaves room for a request's own (jobs, pipes, ip's). */
static long max_fds = -1;
static int open_fds;
int held_sock = -1;
/* Run mode: fds are sent to the server, never kept here (a job's tools would copy them at every start). */
int held_send_only;

static long fd_room(void) {
  if (max_fds < 0) {
    struct rlimit r;
    max_fds = getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY ? (long)r.rlim_cur - 512 : 4096;
    if (max_fds < 0) max_fds = 0;
  }
  return max_fds;
}

void held_server_init(void) {
  struct rlimit r;
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max > 65536 ? 65536 : r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
  max_fds = -1;
}

static unsigned bucket_of(const held_key_t *k) {
  uint64_t h = k->ino * 0x9e3779b97f4a7c15ull ^ k->dev;
  for (const char *c = k->path; *c; c++) h = h * 31 + (unsigned char)*c;
  return (unsigned)(h >> 20) % NBUCKETS;
}

static int same(const held_key_t *a, const held_key_t *b) {
  return a->dev == b->dev && a->ino == b->ino && strcmp(a->path, b->path) == 0;
}

/* The entry for k, or -1. Under the lock (read or write). */
static int find(const held_key_t *k) {
  for (int i = buckets[bucket_of(k)]; i; i = tab[i - 1].next)
    if (!tab[i - 1].dead && same(&tab[i - 1].k, k)) return i - 1;
  return -1;
}

static void forget(int i) {
  if (tab[i].fd >= 0) {
    close(tab[i].fd);
    open_fds--;
  }
  tab[i].fd = -1;
  tab[i].dead = 1;
}

/* Adds or replaces k's entry with fd (owned by the table; -1: known only). Under the write lock. */
static void insert(const held_key_t *k, int fd) {
  int i = find(k);
  if (i >= 0) forget(i);
  if (ntab == captab) {
    held_t *p = realloc(tab, (size_t)(captab = captab ? 2 * captab : 256) * sizeof *tab);
    if (!p) {
      if (fd >= 0) close(fd);
      captab = ntab;
      return;
    }
    tab = p;
  }
  unsigned b = bucket_of(k);
  tab[ntab] = (held_t){.k = *k, .fd = fd, .dead = 0, .next = buckets[b]};
  buckets[b] = ++ntab;
  if (fd >= 0) open_fds++;
}

int held_ns(int nsfd, held_ns_t *ns) {
  struct stat st;
  ns->ok = fstat(nsfd, &st) == 0;
  ns->dev = ns->ok ? st.st_dev : 0;
  ns->ino = ns->ok ? st.st_ino : 0;
  return ns->ok;
}

/* The key of `path` in namespace ns: 0, or -1 when it cannot be kept. */
static int file_key(const held_ns_t *ns, const char *path, held_key_t *k) {
  if (!ns->ok || strlen(path) >= sizeof k->path) return -1;
  memset(k, 0, sizeof *k);
  k->dev = ns->dev;
  k->ino = ns->ino;
  strcpy(k->path, path);
  return 0;
}

/* The key of `path` in the namespace open at nsfd: 0, or -1 when it cannot be kept. */
static int key_of(int nsfd, const char *path, held_key_t *k) {
  held_ns_t ns;
  held_ns(nsfd, &ns);
  return file_key(&ns, path, k);
}

int held_dir(int nsfd, const char *path) {
  held_key_t k;
  if (key_of(nsfd, path, &k) < 0) return -1;
  pthread_rwlock_wrlock(&lock);
  int i = find(&k), fd = -1;
  struct stat st;
  if (i >= 0 && tab[i].fd >= 0) {
    /* A stale entry (its namespace gone, the inode number reused) fails here with ENOENT. */
    if (fstat(tab[i].fd, &st) == 0 && S_ISDIR(st.st_mode)) fd = fcntl(tab[i].fd, F_DUPFD_CLOEXEC, 0);
    else forget(i);
  }
  pthread_rwlock_unlock(&lock);
  return fd;
}

int held_known(int nsfd, const char *path) {
  held_key_t k;
  if (key_of(nsfd, path, &k) < 0) return 0;
  pthread_rwlock_rdlock(&lock);
  int known = find(&k) >= 0;
  pthread_rwlock_unlock(&lock);
  return known;
}

ssize_t held_file_pread(const held_ns_t *ns, const char *path, char *buf, size_t n) {
  held_key_t k;
  if (file_key(ns, path, &k) < 0) return -2;
  /* Read under the read lock: no other thread closes the fd meanwhile (held_file_drop takes the write lock). */
  pthread_rwlock_rdlock(&lock);
  int i = find(&k);
  ssize_t got = i >= 0 && tab[i].fd >= 0 ? pread(tab[i].fd, buf, n, 0) : -2;
  pthread_rwlock_unlock(&lock);
  return got < 0 && got != -2 ? -1 : got;
}

void held_file_drop(const held_ns_t *ns, const char *path) {
  held_key_t k;
  if (file_key(ns, path, &k) < 0) return;
  pthread_rwlock_wrlock(&lock);
  int i = find(&k);
  if (i >= 0) forget(i);
  pthread_rwlock_unlock(&lock);
}

/* Sends n keys and their fds (n <= PER_MESSAGE) to the server in one message; 0 when sent. */
static int send_keys(const held_key_t *k, const int *fds, uint32_t n, int tries) {
  union {
    char b[CMSG_SPACE(PER_MESSAGE * sizeof(int))];
    struct cmsghdr align;
  } c;
  memset(&c, 0, sizeof c);
  struct iovec iov[2] = {{.iov_base = &n, .iov_len = sizeof n}, {.iov_base = (void *)k, .iov_len = n * sizeof *k}};
  struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2, .msg_control = c.b, .msg_controllen = CMSG_SPACE(n * sizeof(int))};
  struct cmsghdr *h = CMSG_FIRSTHDR(&m);
  h->cmsg_level = SOL_SOCKET;
  h->cmsg_type = SCM_RIGHTS;
  h->cmsg_len = CMSG_LEN(n * sizeof(int));
  memcpy(CMSG_DATA(h), fds, n * sizeof(int));
  /* A full socket (its send buffer, about 200 KiB) is waited for `tries` times, 10 ms at most each. */
  for (int waited = 0;; waited++) {
    if (sendmsg(held_sock, &m, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0) return 0;
    if ((errno != EAGAIN && errno != EINTR) || waited >= tries) return -1;
    struct pollfd p = {.fd = held_sock, .events = POLLOUT};
    poll(&p, 1, 10);
  }
}

/*
 * Run mode: what a job warms is sent as one message per namespace (its
 * directories and files, held_flush), not one per fd, and a full socket is
 * waited for a little: 32 jobs sending at once filled its send buffer (at
 * 1000 hosts, one fd a message and no waiting lost 8% of them; batched and
 * waited for, none).
 */
static __thread held_key_t pend_keys[PER_MESSAGE];
static __thread int pend_fds[PER_MESSAGE];
static __thread uint32_t npend;

void held_flush(void) {
  if (npend == 0) return;
  /* The server takes messages in while the request runs (nsread-serve.c): a full socket is waited for a little. */
  send_keys(pend_keys, pend_fds, npend, SEND_TRIES);
  for (uint32_t i = 0; i < npend; i++) close(pend_fds[i]);
  npend = 0;
}

/* Sends k and fd to the server (run mode: put aside for held_flush, which keep_key calls once full). Under the lock. */
static void send_one(const held_key_t *k, int fd) {
  if (!held_send_only) {
    /* A read's child: never waits, a full socket only means this one is not kept (then only slower). */
    send_keys(k, &fd, 1, 0);
    return;
  }
  if (npend == PER_MESSAGE) return; /* not kept: only slower */
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return;
  pend_keys[npend] = *k;
  pend_fds[npend++] = copy;
}

/*
 * Sends fd, under k, to the server when there is one, and keeps it here
 * when `here` and there is room: a file's fd itself (the table owns it from
 * then), a copy of a directory's (its caller goes on using it). A directory
 * sent but not kept here stays known (held_known: the server has it, or a
 * full socket lost it: then only slower). 1 when kept here.
 */
static int keep_key(const held_key_t *k, int fd, int here, int file) {
  pthread_rwlock_wrlock(&lock);
  if (held_sock >= 0) send_one(k, fd);
  int kept = here && !held_send_only && open_fds < fd_room() ? (file ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 0)) : -1;
  if (kept >= 0 || (held_sock >= 0 && !file)) insert(k, kept);
  pthread_rwlock_unlock(&lock);
  /* Sent outside the lock: a full socket is waited for, and the other workers must not wait with it. */
  if (npend == PER_MESSAGE) held_flush();
  return kept >= 0;
}

void held_keep(int nsfd, const char *path, int fd, int here) {
  held_key_t k;
  if (key_of(nsfd, path, &k) == 0) keep_key(&k, fd, here, 0);
}

int held_file_keep(const held_ns_t *ns, const char *path, int fd) {
  held_key_t k;
  return file_key(ns, path, &k) == 0 && keep_key(&k, fd, 1, 1);
}

static int by_number(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

/*
 * Why ranges: closing the kept fds one by one cost 4 ms for 2800 of them
 * (200 namespaces' directories and files) and 19 ms for 14000, at each run
 * request; close_range over the runs of consecutive numbers (the server took
 * them in one after another) 0.4 and 1.3 ms.
 */
void held_close_fds(void) {
  pthread_rwlock_wrlock(&lock);
  int *fds = malloc((size_t)(ntab ? ntab : 1) * sizeof *fds), n = 0;
  for (int i = 0; i < ntab; i++)
    if (tab[i].fd >= 0) {
      if (fds) fds[n++] = tab[i].fd;
      else close(tab[i].fd);
      tab[i].fd = -1;
    }
  if (fds) {
    qsort(fds, (size_t)n, sizeof *fds, by_number);
    for (int i = 0; i < n;) {
      int j = i;
      while (j + 1 < n && fds[j + 1] == fds[j] + 1) j++;
      if (j == i || syscall(SYS_close_range, (unsigned)fds[i], (unsigned)fds[j], 0) < 0)
        for (int k = i; k <= j; k++) close(fds[k]);
      i = j + 1;
    }
    free(fds);
  }
  open_fds = 0;
  pthread_rwlock_unlock(&lock);
}

int held_count(int nsfd, int files) {
  int n = 0;
  struct stat st, ns;
  if (nsfd >= 0 && fstat(nsfd, &ns) < 0) return 0;
  pthread_rwlock_rdlock(&lock);
  for (int i = 0; i < ntab; i++)
    n += !tab[i].dead && tab[i].fd >= 0 && (nsfd < 0 || (tab[i].k.dev == ns.st_dev && tab[i].k.ino == ns.st_ino)) &&
         fstat(tab[i].fd, &st) == 0 && (files ? S_ISREG(st.st_mode) : S_ISDIR(st.st_mode));
  pthread_rwlock_unlock(&lock);
  return n;
}

/* A directory's key ("net/ipv4"), not a file's ("net/ipv4/ip_forward"). */
static int dir_key(const char *path) {
  return strncmp(path, "net/", 4) == 0 && !strchr(path + 4, '/');
}

void held_sweep(int files) {
  struct stat st;
  for (int i = 0; i < ntab; i++)
    if (!tab[i].dead && tab[i].fd >= 0 && dir_key(tab[i].k.path) && fstat(tab[i].fd, &st) < 0) forget(i);
  /*
   * Files: without FILES, those of a namespace whose net/ipv4 directory is
   * still kept (so alive) are kept unlooked at, one fstat per namespace
   * rather than per file; the others are looked at one by one.
   */
  for (int i = 0; i < ntab; i++) {
    if (tab[i].dead || tab[i].fd < 0 || dir_key(tab[i].k.path)) continue;
    int alive = 0;
    if (!files) {
      held_key_t d = {.dev = tab[i].k.dev, .ino = tab[i].k.ino, .path = "net/ipv4"};
      int j = find(&d);
      alive = j >= 0 && tab[j].fd >= 0;
    }
    if (!alive && fstat(tab[i].fd, &st) < 0) forget(i);
  }
  int n = 0;
  memset(buckets, 0, sizeof buckets);
  for (int i = 0; i < ntab; i++) {
    if (tab[i].dead || tab[i].fd < 0) continue;
    held_t e = tab[i];
    unsigned b = bucket_of(&e.k);
    e.next = buckets[b];
    tab[n] = e;
    buckets[b] = ++n;
  }
  ntab = live_after_sweep = n;
}

void held_take(int sock) {
  for (;;) {
    uint32_t n = 0;
    held_key_t keys[PER_MESSAGE];
    union {
      char b[CMSG_SPACE(PER_MESSAGE * sizeof(int))];
      struct cmsghdr align;
    } c;
    struct iovec iov[2] = {{.iov_base = &n, .iov_len = sizeof n}, {.iov_base = keys, .iov_len = sizeof keys}};
    struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2, .msg_control = c.b, .msg_controllen = sizeof c.b};
    ssize_t got = recvmsg(sock, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    int fds[PER_MESSAGE], nfds = 0;
    for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h))
      if (h->cmsg_level == SOL_SOCKET && h->cmsg_type == SCM_RIGHTS) {
        int k = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int i = 0; i < k && nfds < PER_MESSAGE; i++) memcpy(&fds[nfds++], CMSG_DATA(h) + i * sizeof(int), sizeof(int));
      }
    int ok = !(m.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) && n <= PER_MESSAGE && (uint32_t)nfds == n &&
             (size_t)got == sizeof n + n * sizeof *keys;
    pthread_rwlock_wrlock(&lock);
    for (int i = 0; i < nfds; i++) {
      keys[i].path[sizeof keys[i].path - 1] = 0;
      /* No room: first drop what is dead (once per size of the table, not at every refusal). */
      if (ok && open_fds >= fd_room() && ntab != full_sweep_at) {
        held_sweep(1);
        full_sweep_at = ntab;
      }
      if (ok && open_fds < fd_room()) insert(&keys[i], fds[i]);
      else close(fds[i]);
    }
    pthread_rwlock_unlock(&lock);
  }
  /* Namespaces come and go: the table is swept when it has doubled since the last sweep. */
  if (ntab > 2 * live_after_sweep + 64) held_sweep(1);
}
