/*
 * Kept namespaces (issue 13, "past the floor"): `nsread serve` remembers
 * each named namespace's last fingerprint and watches its change
 * notifications from then on, so that a read finds an unchanged namespace
 * unchanged without dumping it. Why: a fingerprint is eight rtnetlink dumps,
 * and some of them take the kernel's rtnl lock; right after a 1000-host
 * apply the kernel's own IPv6 start-up work holds that lock often, and the
 * dumps of 1000 namespaces waited on it most of a plan's time.
 *
 * One socket, in the server's own namespace, with NETLINK_LISTEN_ALL_NSID:
 * it gets the notifications of every namespace that has an id there (a
 * namespace with a veth end in the root has one), each with that id. It
 * holds no namespace alive, unlike a socket in each. Groups: links,
 * addresses, routes (IPv4, IPv6), qdiscs, IPv4 rules, neighbours, and the
 * root's namespace ids (a namespace deleted loses its id: RTM_DELNSID).
 *
 * The proof, per namespace: a child (a request's, forked by the server)
 * that fingerprints a named namespace first marks where it stands
 * (watch_mark): its cookie (a number the kernel gives each namespace once,
 * never reused, unlike inode numbers and ids), its id in the root (none: not
 * kept), and the count of notifications the server has taken in so far
 * (`seq`, in memory shared with the server). It then dumps. Every change
 * made after the mark sends a notification that the server takes in after
 * the mark, so numbered above it. When the child's fingerprint is one the
 * caller caches (a hit, or a stable read), the child writes it down
 * (watch_record); after the child, the server keeps it, unless a
 * notification numbered above the mark (the log of this request) or an
 * overrun could be a change (kept_blind, nsread-fp.c). From then on every
 * notification is judged as it is taken in; one that could be a change, an
 * overrun, or the id's deletion drops the namespace. A later child (forked
 * after the server took in all that was waiting) answers "hit" for a
 * namespace whose cookie and id match what is kept and whose cached
 * fingerprint is the kept one, with no dump.
 *
 * What a read takes from the kernel and a notification would not say
 * (sysctls) is read anew every time, as before. The root (the server's own
 * namespace) is kept by the same rule, by its own notifications (those that
 * come without an id), with one more witness: its fingerprint hashes the
 * names under /run/netns, which change with no notification, so the server
 * watches that directory (inotify) and any change there drops the root; it
 * is kept only while that watch stands.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/net_namespace.h>
#include "nsread.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

/* Ids above this are not kept (ids are small: the kernel hands out the lowest free one). */
enum { MAX_NSID = 1 << 16 };
/* The log of one request's notifications: past this many bytes it is dropped (nothing of that request is kept). */
enum { LOG_MAX = 64 << 20 };

typedef struct {
  unsigned long long cookie;
  char fp[65];
  int pinned;
  object_digest *d;
  size_t nd;
  char *names;
  size_t nnames;
} kept_t;

/* In memory shared by the server and its children: how many notifications the server has taken in. */
typedef struct {
  unsigned long long seq;
} shared_t;

static shared_t *shared;
static int wfd = -1;
/* Server: the kept namespaces by id (children: their copy, as the server had it when they were forked). */
static kept_t **kept;
static size_t nkept_cap;
/* Server: the notifications taken in during the current request, with their numbers and ids. */
typedef struct {
  unsigned long long seq;
  int nsid;
  size_t off;
} logged_t;
static logged_t *log_at;
static size_t nlog, caplog;
static buf_t log_bytes;
static int log_lost;
/* Only while a request's child runs: what it writes down is judged by what came after its marks. */
static int logging;
/* Child: where it writes what it fingerprinted, and a root socket for ids. */
static int record_fd = -1;
static int root_nl = -1;
static pthread_mutex_t child_lock = PTHREAD_MUTEX_INITIALIZER;

/* The root (the server's own namespace) in records and the log: it has no id of its own. */
enum { ROOT_ID = -2 };
static kept_t *kept_root;
/*
 * The root's last fingerprint a child recorded with all its digests (kept
 * or not since: a change drops kept_root, not this), for a read of only
 * the root's links that changed since (watch_root_base).
 */
static char base_fp[65];
static object_digest *base_d;
static size_t base_nd;
/* Server: an inotify watch of /run/netns (whose names the root's fingerprint hashes), or -1: the root is not kept. */
static int names_fd = -1;

/* Where what is kept of namespace `nsid` (ROOT_ID: the root) is, or NULL. */
static kept_t **slot(int nsid) {
  if (nsid == ROOT_ID) return &kept_root;
  return nsid >= 0 && (size_t)nsid < nkept_cap ? &kept[nsid] : NULL;
}

/*
 * The kept namespaces by cookie (open addressing; 0 marks a free place): a
 * child finds a namespace by the cookie of the one it entered, with no
 * question to the kernel. Made again before a request when the table changed.
 */
typedef struct {
  unsigned long long cookie;
  int nsid;
} by_cookie_t;
static by_cookie_t *index_at;
static size_t index_cap;
static int index_stale = 1;

static size_t spot(unsigned long long cookie) { return (size_t)(cookie * 0x9e3779b97f4a7c15ull) & (index_cap - 1); }

static void reindex(void) {
  if (!index_stale) return;
  index_stale = 0;
  size_t live = 0;
  for (size_t i = 0; i < nkept_cap; i++) live += kept[i] != NULL;
  size_t cap = 64;
  while (cap < 2 * live) cap *= 2;
  by_cookie_t *p = calloc(cap, sizeof *p);
  free(index_at);
  index_at = p;
  index_cap = p ? cap : 0;
  if (!p) return;
  for (size_t i = 0; i < nkept_cap; i++)
    if (kept[i]) {
      size_t at = spot(kept[i]->cookie);
      while (index_at[at].cookie) at = (at + 1) & (index_cap - 1);
      index_at[at] = (by_cookie_t){.cookie = kept[i]->cookie, .nsid = (int)i};
    }
}

/* The id a namespace of this cookie is kept under, or -1. */
static int kept_by_cookie(unsigned long long cookie) {
  if (!index_cap || !cookie) return -1;
  for (size_t at = spot(cookie);; at = (at + 1) & (index_cap - 1)) {
    if (!index_at[at].cookie) return -1;
    if (index_at[at].cookie == cookie) return index_at[at].nsid;
  }
}

static void drop(int nsid) {
  kept_t **k = slot(nsid);
  if (!k || !*k) return;
  index_stale = 1;
  free((*k)->d);
  free((*k)->names);
  free(*k);
  *k = NULL;
}

static void drop_all(void) {
  for (size_t i = 0; i < nkept_cap; i++) drop((int)i);
  drop(ROOT_ID);
}

int watch_init(void) {
  shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) {
    shared = NULL;
    return -1;
  }
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  int one = 1;
  struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
  if (fd < 0 || setsockopt(fd, SOL_NETLINK, NETLINK_LISTEN_ALL_NSID, &one, sizeof one) < 0 ||
      bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
    goto fail;
  static const int groups[] = {RTNLGRP_LINK,       RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR,
                               RTNLGRP_IPV4_ROUTE, RTNLGRP_IPV6_ROUTE,  RTNLGRP_TC,
                               RTNLGRP_IPV4_RULE,  RTNLGRP_NEIGH,       RTNLGRP_NSID};
  for (size_t i = 0; i < sizeof groups / sizeof *groups; i++)
    if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &groups[i], sizeof groups[i]) < 0) goto fail;
  /* Room for a storm of notifications between two drains (an overrun only costs the kept namespaces). */
  int size = 32 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  wfd = fd;
  return 0;
fail:
  if (fd >= 0) close(fd);
  munmap(shared, sizeof *shared);
  shared = NULL;
  return -1;
}

int watch_fd(void) { return wfd; }

/* The namespace id a root RTM_NEWNSID/RTM_DELNSID message is about, or -1. */
static int nsid_message(const struct nlmsghdr *m) {
  int len = (int)m->nlmsg_len - NLMSG_LENGTH(sizeof(struct rtgenmsg));
  const struct nlattr *a = (const struct nlattr *)((const char *)NLMSG_DATA(m) + NLMSG_ALIGN(sizeof(struct rtgenmsg)));
  for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
       len -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len)))
    if ((a->nla_type & NLA_TYPE_MASK) == NETNSA_NSID && a->nla_len >= NLA_HDRLEN + 4) {
      int32_t id;
      memcpy(&id, (const char *)a + NLA_HDRLEN, 4);
      return id;
    }
  return -1;
}

static void log_message(unsigned long long seq, int nsid, const struct nlmsghdr *m) {
  if (!logging || log_lost) return;
  if (log_bytes.n + m->nlmsg_len > LOG_MAX) {
    log_lost = 1;
    return;
  }
  if (nlog == caplog) {
    size_t c = caplog ? 2 * caplog : 1024;
    logged_t *p = realloc(log_at, c * sizeof *p);
    if (!p) {
      log_lost = 1;
      return;
    }
    log_at = p;
    caplog = c;
  }
  /* Each message starts 4-byte aligned, as kept_blind reads it in place. */
  while (log_bytes.n % 4) buf_add(&log_bytes, "", 1);
  log_at[nlog++] = (logged_t){.seq = seq, .nsid = nsid, .off = log_bytes.n};
  buf_add(&log_bytes, (const char *)m, m->nlmsg_len);
}

/* One notification about namespace `nsid`: numbered, logged, and judged against what is kept of it. */
static void take(int nsid, const struct nlmsghdr *m) {
  unsigned long long seq = __atomic_add_fetch(&shared->seq, 1, __ATOMIC_SEQ_CST);
  if (nsid < 0 && nsid != ROOT_ID) return;
  log_message(seq, nsid, m);
  kept_t **k = slot(nsid);
  if (k && *k && !kept_blind(m, (*k)->d, (*k)->nd, (*k)->pinned)) drop(nsid);
}

/*
 * The names under /run/netns changed (or the watch was lost): the root's
 * fingerprint hashes them, and no notification says so. Taken in as a
 * message no fingerprint is blind to.
 */
static void names_changed(void) {
  struct nlmsghdr m = {.nlmsg_len = NLMSG_HDRLEN, .nlmsg_type = NLMSG_NOOP};
  take(ROOT_ID, &m);
}

static void drain_names(void) {
  if (names_fd < 0) return;
  char b[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    ssize_t n = read(names_fd, b, sizeof b);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    names_changed();
    for (char *p = b; p < b + n; p += sizeof(struct inotify_event) + ((struct inotify_event *)p)->len)
      if (((struct inotify_event *)p)->mask & (IN_IGNORED | IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
        /* The directory itself went (or events were lost): the root is not kept from here on. */
        close(names_fd);
        names_fd = -1;
        drop(ROOT_ID);
        return;
      }
  }
}

void watch_drain(void) {
  if (wfd < 0) return;
  drain_names();
  static char *b;
  enum { NB = 1 << 17 };
  if (!b && !(b = malloc(NB))) {
    drop_all();
    log_lost = 1;
    return;
  }
  for (;;) {
    char cb[CMSG_SPACE(sizeof(int))];
    struct iovec io = {b, NB};
    struct msghdr mh = {.msg_iov = &io, .msg_iovlen = 1, .msg_control = cb, .msg_controllen = sizeof cb};
    ssize_t n = recvmsg(wfd, &mh, MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      /* ENOBUFS: notifications were lost, so may be changes. */
      __atomic_add_fetch(&shared->seq, 1, __ATOMIC_SEQ_CST);
      drop_all();
      log_lost = 1;
      if (errno == ENOBUFS) continue;
      return;
    }
    if ((size_t)n > NB || (mh.msg_flags & MSG_CTRUNC)) {
      __atomic_add_fetch(&shared->seq, 1, __ATOMIC_SEQ_CST);
      drop_all();
      log_lost = 1;
      continue;
    }
    int nsid = -1, own = 1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
      if (c->cmsg_level == SOL_NETLINK && c->cmsg_type == NETLINK_LISTEN_ALL_NSID && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
        memcpy(&nsid, CMSG_DATA(c), sizeof nsid);
        own = 0;
      }
    for (struct nlmsghdr *m = (struct nlmsghdr *)b; NLMSG_OK(m, (unsigned)n); m = NLMSG_NEXT(m, n)) {
      if (!own) take(nsid, m);
      else {
        /* The server's own namespace (the root); an id given or taken is also about the namespace it names. */
        if (m->nlmsg_type == RTM_NEWNSID || m->nlmsg_type == RTM_DELNSID) take(nsid_message(m), m);
        take(ROOT_ID, m);
      }
    }
  }
}

int watch_begin(void) {
  if (wfd < 0) return -1;
  if (names_fd < 0) {
    /* Made by the first `ip netns add`: looked for again before each request until it is there. */
    names_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (names_fd >= 0 && inotify_add_watch(names_fd, "/run/netns",
                                           IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF |
                                               IN_MOVE_SELF | IN_ONLYDIR) < 0) {
      close(names_fd);
      names_fd = -1;
    }
  }
  watch_drain();
  reindex();
  nlog = 0;
  log_bytes.n = 0;
  log_lost = 0;
  logging = 1;
  int fd = memfd_create("nsread-serve-kept", MFD_CLOEXEC);
  record_fd = fd;
  return fd;
}

/* A record as a child writes it, followed by nd digests and nnames bytes of names. */
typedef struct {
  unsigned long long cookie, seq;
  int nsid, pinned, whole;
  char fp[65];
  unsigned nd, nnames;
} record_t;

/*
 * The log by namespace, for quiet_since: heads[slot] is the index + 1 of
 * the first notification about that namespace (slot 0 the root, slot
 * nsid + 1 the others), next_of[i] the index + 1 of the next one about the
 * same namespace, in the log's order; 0 ends a chain. Why: a scan of the
 * whole log for each record was records x notifications; the wave that
 * makes a lab of 1000 hosts writes 1000 records over about 25000
 * notifications (counted with `ip monitor all-nsid` over that wave), and
 * that scan was about 5% of its CPU.
 */
typedef struct {
  size_t *heads, *next_of;
  size_t nslots;
} log_index_t;

static int slot_of(int nsid) { return nsid == ROOT_ID ? 0 : nsid + 1; }

/* Builds the index of the log as it is (idx zeroed when there is no memory for it: quiet_since then scans). */
static void index_log(log_index_t *idx) {
  int top = -1;
  for (size_t i = 0; i < nlog; i++)
    if (log_at[i].nsid < MAX_NSID && slot_of(log_at[i].nsid) > top) top = slot_of(log_at[i].nsid);
  *idx = (log_index_t){0};
  if (top < 0) return;
  idx->heads = calloc((size_t)top + 1, sizeof *idx->heads);
  idx->next_of = malloc((nlog ? nlog : 1) * sizeof *idx->next_of);
  if (!idx->heads || !idx->next_of) {
    free(idx->heads);
    free(idx->next_of);
    *idx = (log_index_t){0};
    return;
  }
  idx->nslots = (size_t)top + 1;
  for (size_t i = nlog; i-- > 0;) {
    if (log_at[i].nsid >= MAX_NSID) continue;
    size_t sl = (size_t)slot_of(log_at[i].nsid);
    idx->next_of[i] = idx->heads[sl];
    idx->heads[sl] = i + 1;
  }
}

/* True when no notification logged after `seq` about `nsid` could be a change of the record's namespace. */
static int quiet_since(const record_t *r, const object_digest *d, const log_index_t *idx) {
  if (!idx->heads) {
    for (size_t i = 0; i < nlog; i++)
      if (log_at[i].seq > r->seq && log_at[i].nsid == r->nsid && !kept_blind(log_bytes.p + log_at[i].off, d, r->nd, r->pinned))
        return 0;
    return 1;
  }
  size_t sl = (size_t)slot_of(r->nsid);
  for (size_t i = sl < idx->nslots ? idx->heads[sl] : 0; i; i = idx->next_of[i - 1])
    if (log_at[i - 1].seq > r->seq && !kept_blind(log_bytes.p + log_at[i - 1].off, d, r->nd, r->pinned)) return 0;
  return 1;
}

void watch_end(int fd) {
  record_fd = -1;
  if (fd < 0) {
    logging = 0;
    return;
  }
  watch_drain();
  buf_t all = {0};
  slurp(fd, &all);
  close(fd);
  log_index_t idx;
  index_log(&idx);
  for (size_t at = 0; !log_lost && at + sizeof(record_t) <= all.n;) {
    record_t r;
    memcpy(&r, all.p + at, sizeof r);
    size_t need = sizeof r + (size_t)r.nd * sizeof(object_digest) + r.nnames;
    if (need > all.n - at) break;
    const object_digest *d = (const object_digest *)(all.p + at + sizeof r);
    if (r.nsid == ROOT_ID && r.whole && r.fp[64] == 0 && strlen(r.fp) == 64) {
      /* What the digests describe is that fingerprint's state, whatever came since: kept as the base of the next read. */
      object_digest *b = r.nd ? malloc(r.nd * sizeof *b) : NULL;
      free(base_d);
      base_d = b;
      base_nd = b ? r.nd : 0;
      if (b) memcpy(b, d, r.nd * sizeof *b);
      if (b || !r.nd) memcpy(base_fp, r.fp, sizeof base_fp);
      else base_fp[0] = 0; /* no memory for them: no base */
    }
    if ((r.nsid == ROOT_ID ? names_fd >= 0 : r.nsid >= 0 && r.nsid < MAX_NSID) && r.fp[64] == 0 && quiet_since(&r, d, &idx)) {
      if (r.nsid >= 0 && (size_t)r.nsid >= nkept_cap) {
        size_t c = nkept_cap ? nkept_cap : 64;
        while (c <= (size_t)r.nsid) c *= 2;
        kept_t **p = realloc(kept, c * sizeof *p);
        if (!p) break;
        memset(p + nkept_cap, 0, (c - nkept_cap) * sizeof *p);
        kept = p;
        nkept_cap = c;
      }
      drop(r.nsid);
      kept_t *k = calloc(1, sizeof *k);
      object_digest *dc = r.nd ? malloc(r.nd * sizeof *dc) : NULL;
      char *names = r.nnames ? malloc(r.nnames) : NULL;
      if (k && (dc || !r.nd) && (names || !r.nnames)) {
        k->cookie = r.cookie;
        memcpy(k->fp, r.fp, sizeof k->fp);
        k->pinned = r.pinned;
        if (r.nd) memcpy(dc, d, r.nd * sizeof *dc);
        if (r.nnames) memcpy(names, all.p + at + sizeof r + r.nd * sizeof(object_digest), r.nnames);
        k->d = dc;
        k->nd = r.nd;
        k->names = names;
        k->nnames = r.nnames;
        *slot(r.nsid) = k;
        index_stale = 1;
      } else {
        free(k);
        free(dc);
        free(names);
      }
    }
    at += need;
  }
  free(idx.heads);
  free(idx.next_of);
  free(all.p);
  logging = 0;
  if (log_bytes.cap > (1u << 20)) {
    /* A storm's log is not kept between requests. */
    free(log_bytes.p);
    log_bytes = (buf_t){0};
  }
}

int watch_child_init(void) {
  if (!shared || record_fd < 0) return 0;
  root_nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  return root_nl >= 0;
}

void watch_mark(int nsfd, watch_mark_t *m) {
  memset(m, 0, sizeof *m);
  m->nsid = -1;
  if (!shared || record_fd < 0 || root_nl < 0) return;
  if (nsfd == WATCH_ROOT) {
    /* nsread's own namespace, which the server watches as its own: kept while /run/netns is watched. */
    m->seq = __atomic_load_n(&shared->seq, __ATOMIC_SEQ_CST);
    m->nsid = ROOT_ID;
    m->ok = names_fd >= 0;
    return;
  }
  /* The numbering first: a notification taken in from here on is about a change the dump may not show. */
  m->seq = __atomic_load_n(&shared->seq, __ATOMIC_SEQ_CST);
  /* The calling thread's namespace (entered: nsfd is it, when given). */
  int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  socklen_t l = sizeof m->cookie;
  m->ok = s >= 0 && getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &m->cookie, &l) == 0 && m->cookie != 0;
  if (s >= 0) close(s);
  m->nsfd = nsfd;
}

const char *watch_kept(const watch_mark_t *m, const char **names, size_t *names_len) {
  int nsid = !m->ok ? -1 : m->nsid == ROOT_ID ? ROOT_ID : kept_by_cookie(m->cookie);
  kept_t **k = nsid == -1 ? NULL : slot(nsid);
  if (!k || !*k || (*k)->cookie != m->cookie) return NULL;
  *names = (*k)->names;
  *names_len = (*k)->nnames;
  return (*k)->fp;
}

void watch_record(const watch_mark_t *m, const char *fp, const buf_t *names) {
  size_t nd;
  int pinned;
  const object_digest *d = seen_digests(&nd, &pinned);
  watch_record_with(m, fp, names, d, nd, pinned, seen_whole());
}

void watch_record_with(const watch_mark_t *m, const char *fp, const buf_t *names, const object_digest *d, size_t nd,
                       int pinned, int whole) {
  if (!m->ok || record_fd < 0 || strlen(fp) != 64) return;
  int nsid = m->nsid;
  if (nsid != ROOT_ID) {
    /*
     * Its id, asked only now: an id the namespace did not have at the mark
     * came with an RTM_NEWNSID numbered after it, which the server judges a
     * change (so nothing from before the id is taken for silence).
     */
    int own = m->nsfd < 0 ? open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC) : -1;
    if (m->nsfd < 0 && own < 0) return;
    pthread_mutex_lock(&child_lock);
    nsid = nsid_of(root_nl, own >= 0 ? own : m->nsfd);
    pthread_mutex_unlock(&child_lock);
    if (own >= 0) close(own);
    if (nsid < 0 || nsid >= MAX_NSID) return;
  }
  record_t r;
  memset(&r, 0, sizeof r);
  r.cookie = m->cookie;
  r.seq = m->seq;
  r.nsid = nsid;
  r.pinned = pinned;
  r.whole = whole;
  memcpy(r.fp, fp, 65);
  r.nd = (unsigned)nd;
  r.nnames = names && names->p ? (unsigned)names->n : 0;
  buf_t b = {0};
  buf_add(&b, (const char *)&r, sizeof r);
  if (nd) buf_add(&b, (const char *)d, nd * sizeof *d);
  if (r.nnames) buf_add(&b, names->p, r.nnames);
  pthread_mutex_lock(&child_lock);
  /* Whole records or none: a record cut short is not kept (watch_end stops there). */
  (void)write_all(record_fd, b.p, b.n);
  pthread_mutex_unlock(&child_lock);
  free(b.p);
}

const object_digest *watch_root_base(const char *fp, size_t *n) {
  if (record_fd < 0 || !base_fp[0] || strcmp(fp, base_fp) != 0) return NULL;
  *n = base_nd;
  return base_d ? base_d : (const object_digest *)"";
}

int watch_count(int n, char **names) {
  if (!watch_child_init()) return 0;
  int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC), count = 0;
  for (int i = 0; self >= 0 && i < n; i++) {
    if (strcmp(names[i], ".") == 0) {
      /* "." is the root (no namespace has that name). */
      watch_mark_t m;
      const char *nm;
      size_t nl;
      watch_mark(WATCH_ROOT, &m);
      count += watch_kept(&m, &nm, &nl) != NULL;
      continue;
    }
    char path[300];
    snprintf(path, sizeof path, "/run/netns/%s", names[i]);
    int fd = valid_name(names[i]) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0) continue;
    if (setns(fd, CLONE_NEWNET) == 0) {
      watch_mark_t m;
      const char *nm;
      size_t nl;
      watch_mark(fd, &m);
      count += watch_kept(&m, &nm, &nl) != NULL;
      if (setns(self, CLONE_NEWNET) < 0) _exit(3);
    }
    close(fd);
  }
  if (self >= 0) close(self);
  return count;
}
