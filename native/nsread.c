/*
 * nsread: netplumb's native namespace reader (issue 13, "past the floor").
 *
 *   nsread --version | --self-test
 *   nsread sha256 portable|auto SEED                 stdin: bytes; prints their SHA-256 (tests)
 *   nsread links STATS                              stdin: "NAME\n" per namespace
 *   nsread read MAXJOBS BATCH [--root=BATCH] [--always=N] [SYSCTL_KEY...]
 *                                                  stdin: "NAME\tFP\tS\n" per namespace
 *   nsread run MAXJOBS [--prime=BATCH [KEY...]]    per-namespace writes (nsread-run.c)
 *   nsread serve                                   any of the above, on request (nsread-serve.c)
 *   nsread held [--files] [NAME...]                how many sysctl directories (files) it keeps, of those namespaces or all (nsread-held.c)
 *   nsread held --kept NAME...                     how many of those namespaces ("." the root) the server keeps unchanged (nsread-watch.c)
 *   nsread netns-same CMD [ARG...]                 lists /run/netns as a root read does, runs CMD, says what the read's proof
 *                                                  would make of the list then (tests; netns_same_mode)
 *
 * For each namespace named on stdin (an entry of /run/netns, or the empty
 * name for nsread's own namespace, the root, read with the --root batch;
 * FP is what the caller's cache holds for it, or "-") it enters the namespace (setns),
 * subscribes to its change notifications, computes its fingerprint
 * (nsread-fp.c) and, when S is 1, reads the given sysctls from /proc/sys
 * (which shows the namespace of the reading thread); when S is 0, only the
 * first N keys of --always=N (none without it; never in the root). When the fingerprint equals FP it is
 * done: "hit". Otherwise it runs `ip -j -d -batch -` with BATCH on stdin in
 * the namespace (at most MAXJOBS at once) and, when ip has ended, looks at
 * the notifications since its subscription: STABLE is 1 only when none came
 * that could be a change of what the fingerprint hashed (judged as a kept
 * namespace is, kept_blind, nsread-fp.c: an IPv6 link-local address, the
 * end of DAD, a carrier change are not), and in the root the /run/netns
 * names are as the fingerprint listed them; so ip's output is the state
 * that fingerprint names (the caller caches only stable reads; see finish).
 * A namespace
 * whose dumps keep being cut short by changes has an empty FP: ip reads it,
 * never stable.
 * Fingerprints are first taken on several threads at once (setns is per
 * thread; NSREAD_THREADS sets how many, default one per CPU up to 8): a
 * namespace found unchanged is done there; the others are read as above.
 *
 * Output per namespace, 8 fields each ended by a NUL byte, in any order:
 *   NAME STATUS(hit|read|gone|error) FP STABLE EXIT SYSCTLS STDOUT STDERR
 * `links` prints, per namespace, NAME STATUS(ok|gone|error) JSON STDERR
 * (NUL-ended): its link table with counters when STATS is 1 (nsread-links.c).
 * Namespace names are checked again here (no "/", no leading "." or "-").
 * Built by `cc` at install time (scripts/build.mjs); when it is missing,
 * netplumb reads with one `ip` per namespace (electron/kernel/live-reader.ts).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <net/if.h>
#include <linux/rtnetlink.h>
#include "nsread.h"
#include "sha256.h"

#define MAX_JOBS 64

void buf_add(buf_t *b, const char *d, size_t n) {
  if (b->n + n + 1 > b->cap) {
    size_t c = b->cap ? b->cap : 1024;
    while (c < b->n + n + 1) c *= 2;
    char *p = realloc(b->p, c);
    if (!p) {
      fputs("nsread: out of memory\n", stderr);
      exit(2);
    }
    b->p = p;
    b->cap = c;
  }
  memcpy(b->p + b->n, d, n);
  b->n += n;
  b->p[b->n] = 0;
}

/* Writes all of p, retrying short writes; 0, or -1 on an error. */
int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Reads a whole memory file from its start. */
void slurp(int fd, buf_t *b) {
  char chunk[65536];
  ssize_t n;
  if (lseek(fd, 0, SEEK_SET) < 0) return;
  while ((n = read(fd, chunk, sizeof chunk)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    buf_add(b, chunk, (size_t)n);
  }
}

typedef struct {
  char name[256];
  /* in: ip's stdin while ip waits for its batch (started before the fingerprint: prestart_ip), else -1. */
  int nsfd, sub, out, err, in;
  pid_t pid;
  char fp[65];
  buf_t o, e, sys;
  /* What the fingerprint before ip saw, for the proof after it (finish): where it stood, its digests, link names, and (root) the netns list. */
  watch_mark_t wm;
  object_digest *d;
  size_t nd;
  int pinned, whole;
  buf_t names, list, ids;
  /* Asked for the namespace's sysctls (start's `sysctls`), kept for a read started again (finish). */
  int sysctls;
  /* The root read by its changed links only (plan_delta): ip's batch, and the output's first line naming them. */
  char *dbatch;
  buf_t changed;
} job_t;

static int self_ns;
static const char *batch, *root_batch;
/*
 * The root batch's last line is `netns list`: ip is given the batch
 * without it, and the read ends with the list nsread writes after ip
 * (hash_netns_names, nsread-fp.c), as ip would have printed it. Why:
 * ip asks the kernel for each entry's id one by one after a fresh start
 * (12 ms at 200 namespaces, 20-40 ms while the lab starts up), and the
 * fingerprint has just asked the same.
 */
static char *root_ip_batch;
static char **keys;
static int nkeys;
/* How many of the first keys are read in every named namespace, S 0 too (--always=N). */
static int always;

/* How many keys to read in namespace `name` with flag S `all`. */
static int keys_for(const char *name, int all) {
  return all ? nkeys : name[0] ? always : 0;
}

/* One record at a time on stdout: hits are printed by the fingerprinting threads. */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void field(const char *s, size_t n) {
  fwrite(s, 1, n, stdout);
  fputc(0, stdout);
}
static void fields(const char *name, const char *status, const char *fp, int stable, int code,
                   const buf_t *sys, const buf_t *o, const char *err) {
  char num[16];
  pthread_mutex_lock(&out_lock);
  field(name, strlen(name));
  field(status, strlen(status));
  field(fp, strlen(fp));
  field(stable ? "1" : "0", 1);
  snprintf(num, sizeof num, "%d", code);
  field(num, strlen(num));
  field(sys && sys->p ? sys->p : "", sys ? sys->n : 0);
  field(o && o->p ? o->p : "", o ? o->n : 0);
  field(err, strlen(err));
  pthread_mutex_unlock(&out_lock);
}

static void fields4(const char *name, const char *status, const char *json, const char *err) {
  field(name, strlen(name));
  field(status, strlen(status));
  field(json, strlen(json));
  field(err, strlen(err));
}

static void back_home(void) {
  /* Why fatal: every later step must run in the root namespace again. */
  if (setns(self_ns, CLONE_NEWNET) < 0) {
    perror("nsread: cannot return to its own network namespace");
    exit(3);
  }
}

/*
 * Why vfork: on some virtual machines creating a process's page tables is
 * the costliest part of starting a tool, and does not scale over CPUs (on
 * this project's 2-CPU test host, one fork+exec of ip cost 4.5 ms, one
 * vfork+exec 3.3 ms, and two running at once were slower than one after the
 * other). vfork copies no page tables: the child borrows the calling
 * thread's memory until its exec. So the child only makes system calls and
 * writes nothing but its own locals.
 */
int spawn_tool(char *const argv[], int in, int out, int err, int tied) {
  pid_t parent = getpid();
  pid_t pid = vfork();
  if (pid != 0) return pid;
  /*
   * Why: when nsread is killed (the caller's deadline), its tools must not go
   * on changing the kernel while the caller rolls back. The signal comes when
   * the calling thread ends, so only a thread that waits for its tool asks.
   */
  if (tied && (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)) _exit(255);
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) _exit(127);
  execvp(argv[0], argv);
  const char *why = strerrordesc_np(errno);
  char msg[160];
  size_t n = 0;
  for (const char *parts[] = {"nsread: cannot run ", argv[0], ": ", why ? why : "error", "\n", NULL}, **q = parts; *q; q++)
    for (const char *c = *q; *c && n < sizeof msg; c++) msg[n++] = *c;
  if (write(2, msg, n) < 0) {
    /* nothing more can be said */
  }
  _exit(127);
}

/*
 * Directories of /proc/sys opened during one namespace's read. Looking up a
 * name under a /proc/sys directory that every namespace shares (net/ipv4,
 * net/ipv6) walks the entries of every namespace on the host: about 0.07 ms
 * at 1000 namespaces, paid once per path that passes there. So each directory
 * is opened once, relative to its parent, and every key is opened relative
 * to its directory (measured: 5 keys in a namespace, 0.4 ms -> 0.15 ms at 1000).
 */
#define DIRS_MAX 32
typedef struct {
  int n;
  char path[DIRS_MAX][300];
  int fd[DIRS_MAX];
  int nsfd; /* the namespace being read: its net/<x> directories are kept (nsread-held.c) */
  held_ns_t ns; /* its key, for the files kept (nsread-held.c) */
} dirs_t;

static void dirs_close(dirs_t *d) {
  for (int i = 0; i < d->n; i++)
    if (d->fd[i] >= 0) close(d->fd[i]);
  d->n = 0;
}

/*
 * The directory fd for `path` (relative to /proc/sys, "/"-separated, "" for
 * /proc/sys itself), or -1; owned by `d`, valid until the next call.
 */
static int dir_fd(dirs_t *d, const char *path) {
  for (int i = 0; i < d->n; i++)
    if (strcmp(d->path[i], path) == 0) return d->fd[i];
  /* net/ipv4, net/ipv6: each namespace's hangs under the one shared "net" entry (nsread-held.c). */
  int kept = strncmp(path, "net/", 4) == 0 && !strchr(path + 4, '/');
  int fd = kept ? held_dir(d->nsfd, path) : -1;
  if (fd >= 0) {
    /* kept: no lookup */
  } else if (!path[0]) fd = sysctl_root();
  else {
    const char *slash = strrchr(path, '/');
    char parent[300];
    size_t pl = slash ? (size_t)(slash - path) : 0;
    memcpy(parent, path, pl);
    parent[pl] = 0;
    int pfd = dir_fd(d, parent);
    fd = pfd < 0 ? -1 : openat(pfd, slash ? slash + 1 : path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (kept && fd >= 0) held_keep(d->nsfd, path, fd, 1);
  }
  if (d->n == DIRS_MAX) dirs_close(d); /* more keys than this are not read; stays correct, only slower */
  snprintf(d->path[d->n], sizeof d->path[d->n], "%s", path);
  d->fd[d->n++] = fd;
  return fd;
}

/*
 * Appends "key = value\n" for the file `rel` under the directory `dir` (its
 * key `key`, `klen` bytes); skipped when unreadable. Read by pread of its
 * kept fd when there is one (nsread-held.c); a kept fd that fails is
 * dropped and the file opened again by its path, then kept.
 */
static void read_one(buf_t *b, dirs_t *d, const char *dir, const char *rel, const char *key, size_t klen) {
  char full[HELD_PATH];
  int fn = snprintf(full, sizeof full, "%s/%s", dir, rel);
  int keyed = d->ns.ok && fn > 0 && (size_t)fn < sizeof full;
  char v[256];
  ssize_t n = keyed ? held_file_pread(&d->ns, full, v, sizeof v - 1) : -2;
  if (n == -1) held_file_drop(&d->ns, full);
  if (n < 0) {
    int dfd = dir_fd(d, dir);
    int fd = dfd < 0 ? -1 : openat(dfd, rel, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return; /* like `sysctl -e`: a key this kernel lacks is skipped */
    n = read(fd, v, sizeof v - 1);
    if (n < 0 || !keyed || !held_file_keep(&d->ns, full, fd)) close(fd);
    if (n < 0) return;
  }
  while (n > 0 && (v[n - 1] == '\n' || v[n - 1] == ' ')) n--;
  buf_add(b, key, klen);
  buf_add(b, " = ", 3);
  buf_add(b, v, (size_t)n);
  buf_add(b, "\n", 1);
}

/* `len` bytes of a dotted key as a /proc/sys path: its dots become "/". */
static void dotted_path(char *to, size_t cap, const char *from, size_t len) {
  size_t k = 0;
  for (size_t i = 0; i < len && k < cap - 1; i++) to[k++] = from[i] == '.' ? '/' : from[i];
  to[k] = 0;
}

/* The file `leaf` of the pattern key `key` ("*" at `star`) in the directory entry `ent` of `dir`; "." entries, lo and default are not asked for. */
static void pattern_one(buf_t *b, dirs_t *d, const char *dir, const char *leaf, const char *key, const char *star,
                        const char *ent) {
  /* The loopback and "default" are not asked for: an interface's value is judged against "all". */
  if (ent[0] == '.' || strcmp(ent, "lo") == 0 || strcmp(ent, "default") == 0) return;
  char rel[600], name[600];
  int rn = snprintf(rel, sizeof rel, "%s/%s", ent, leaf);
  if (rn < 0 || (size_t)rn >= sizeof rel) return;
  size_t nn = (size_t)(star - key);
  if (nn >= sizeof name) return;
  memcpy(name, key, nn);
  for (const char *c = ent; *c && nn < sizeof name - 1; c++) name[nn++] = *c == '.' ? '/' : *c;
  int ln = snprintf(name + nn, sizeof name - nn, "%s", star + 1);
  if (ln < 0 || (size_t)ln >= sizeof name - nn) return;
  read_one(b, d, dir, rel, name, nn + (size_t)ln);
}

/*
 * A key with one "*" segment (net.ipv4.conf.*.forwarding) names that file in
 * every directory there: one per interface, and all (not lo, not default). The key
 * printed has the directory's name with its dots written as "/", as
 * sysctl(8) prints it. With `names` (the links the namespace's fingerprint
 * just dumped, link_names_out), the directories are "all" and one per link
 * (a link without one, such as IPv6's below 1280 bytes of MTU, is skipped as
 * a key that cannot be opened): no listing of the directory.
 */
static void read_pattern(buf_t *b, dirs_t *d, const char *key, const char *star, const buf_t *names) {
  char dir[300], leaf[300];
  dotted_path(dir, sizeof dir, key, (size_t)(star - 1 - key));
  dotted_path(leaf, sizeof leaf, star + 2, strlen(star + 2)); /* after "*." */
  if (names) {
    pattern_one(b, d, dir, leaf, key, star, "all");
    for (size_t at = 0; at < names->n; at += strlen(names->p + at) + 1) pattern_one(b, d, dir, leaf, key, star, names->p + at);
    return;
  }
  int dfd = dir_fd(d, dir);
  int lfd = dfd < 0 ? -1 : openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *dp = lfd < 0 ? NULL : fdopendir(lfd);
  if (!dp) {
    if (lfd >= 0) close(lfd);
    return;
  }
  struct dirent *e;
  while ((e = readdir(dp)) != NULL) pattern_one(b, d, dir, leaf, key, star, e->d_name);
  closedir(dp);
}

/* The first `count` keys, with the directories of `d` (its namespace's); `names`: its links (read_pattern), or NULL. */
static void read_keys(buf_t *b, int count, dirs_t *d, const buf_t *names) {
  for (int i = 0; i < count; i++) {
    const char *star = strstr(keys[i], ".*.");
    if (star) {
      read_pattern(b, d, keys[i], star + 1, names);
      continue;
    }
    const char *dot = strrchr(keys[i], '.');
    char dir[300], leaf[300];
    dotted_path(dir, sizeof dir, keys[i], dot ? (size_t)(dot - keys[i]) : 0);
    snprintf(leaf, sizeof leaf, "%s", dot ? dot + 1 : keys[i]);
    read_one(b, d, dir, leaf, keys[i], strlen(keys[i]));
  }
}

/* The first `count` keys, in the namespace open at nsfd (the calling thread's); `names`: its links (read_pattern), or NULL. */
static void read_sysctls(buf_t *b, int count, int nsfd, const buf_t *names) {
  if (count == 0) return;
  dirs_t d = {.n = 0, .nsfd = nsfd};
  held_ns(nsfd, &d.ns);
  read_keys(b, count, &d, names);
  dirs_close(&d);
}

/*
 * Opens the sysctl files a read will ask of the namespace open at nsfd (the
 * calling thread's; `nsread run --prime`'s keys), as that read would, so
 * that they are kept by the server (nsread-held.c) before the read comes:
 * the first read after an apply then finds them, instead of opening some
 * dozen files per namespace (measured: 2400 files at 200 hosts, a third of
 * that read's time). What they hold is appended to `out`, as that read
 * prints it (the apply makes its namespaces with them: live-read.ts
 * warmOwnSysctls); only the open files are kept.
 */
void warm_sysctls(int nsfd, const char *const *paths, const int *fds, int n, const buf_t *links, buf_t *out) {
  if (always == 0) return;
  dirs_t d = {.n = 0, .nsfd = nsfd};
  held_ns(nsfd, &d.ns);
  /* The caller's open directories (net/ipv4, net/ipv6): each other lookup under /proc/sys/net walks every namespace's entries. */
  for (int i = 0; i < n && d.n < DIRS_MAX; i++) {
    if (fds[i] < 0) continue;
    snprintf(d.path[d.n], sizeof d.path[d.n], "%s", paths[i]);
    d.fd[d.n++] = fcntl(fds[i], F_DUPFD_CLOEXEC, 0);
  }
  read_keys(out, always, &d, links && links->n ? links : NULL);
  dirs_close(&d);
}

void always_sysctls(int nsfd, const buf_t *links, buf_t *out) {
  read_sysctls(out, always, nsfd, links && links->n ? links : NULL);
}

int valid_name(const char *n) {
  size_t l = strlen(n);
  if (l == 0 || l > 255 || n[0] == '.' || n[0] == '-') return 0;
  for (const char *c = n; *c; c++)
    if (*c == '/' || *c == ' ' || *c == '\t' || *c == '\n') return 0;
  return 1;
}

static void fail(job_t *j, const char *what, int err) {
  char msg[512];
  snprintf(msg, sizeof msg, "nsread: %s in namespace \"%s\": %s", what, j->name, strerror(err));
  fields(j->name, "error", "", 0, 1, NULL, NULL, msg);
}

/*
 * Opens and enters the job's namespace (the empty name: nsread's own). 1 when
 * entered (j->nsfd open); else 0, its output printed (gone or an error).
 */
static int enter_ns(job_t *j) {
  if (!j->name[0]) j->nsfd = fcntl(self_ns, F_DUPFD_CLOEXEC, 0);
  else if (!valid_name(j->name)) {
    fields(j->name, "error", "", 0, 1, NULL, NULL, "nsread: not a valid namespace name");
    return 0;
  } else {
    char path[300];
    snprintf(path, sizeof path, "/run/netns/%s", j->name);
    j->nsfd = open(path, O_RDONLY | O_CLOEXEC);
  }
  if (j->nsfd < 0) {
    if (errno == ENOENT) fields(j->name, "gone", "", 0, 1, NULL, NULL, "");
    else fail(j, "cannot open the namespace", errno);
    return 0;
  }
  if (setns(j->nsfd, CLONE_NEWNET) < 0) {
    int e = errno;
    close(j->nsfd);
    /* EINVAL: a stale /run/netns file with no namespace mounted on it. */
    if (e == EINVAL) fields(j->name, "gone", "", 0, 1, NULL, NULL, "");
    else fail(j, "cannot enter the namespace", e);
    return 0;
  }
  return 1;
}

/*
 * When the server keeps the namespace the thread is in (j's, marked at wm)
 * unchanged since a fingerprint equal to `cached` (nsread-watch.c): reads
 * its sysctls (into j->sys, the caller's to free), returns home, prints the
 * hit, and returns 1. No dump. Else 0, nothing done.
 */
static int kept_hit(job_t *j, const watch_mark_t *wm, const char *cached, int sysctls) {
  const char *names;
  size_t len;
  const char *fp = watch_kept(wm, &names, &len);
  if (!fp || strcmp(fp, cached) != 0) return 0;
  buf_t kn = {.p = (char *)names, .n = len};
  read_sysctls(&j->sys, keys_for(j->name, sysctls), j->nsfd, len ? &kn : NULL);
  back_home();
  fields(j->name, "hit", fp, 1, 0, &j->sys, NULL, "");
  return 1;
}

/*
 * Starts `ip -j -d -batch -` in the namespace the thread is in (j's), its
 * stdin left open (j->in), its stdout and stderr j->out and j->err. NULL,
 * or the words of why not (with errno in *err_no); then nothing is kept.
 */
static const char *spawn_ip(job_t *j, int *err_no) {
  int in[2], out[2], err[2];
  j->in = -1;
  if (pipe2(in, O_CLOEXEC)) {
    *err_no = errno;
    return "cannot make pipes";
  }
  if (pipe2(out, O_CLOEXEC)) {
    *err_no = errno;
    close(in[0]);
    close(in[1]);
    return "cannot make pipes";
  }
  if (pipe2(err, O_CLOEXEC)) {
    *err_no = errno;
    int fds[] = {in[0], in[1], out[0], out[1]};
    for (size_t i = 0; i < sizeof fds / sizeof *fds; i++) close(fds[i]);
    return "cannot make pipes";
  }
  char *ip[] = {"ip", "-j", "-d", "-batch", "-", NULL};
  /* Not tied: the root's ip may be started by a fingerprinting thread that ends before it. */
  pid_t pid = spawn_tool(ip, in[0], out[1], err[1], 0);
  *err_no = errno;
  close(in[0]);
  close(out[1]);
  close(err[1]);
  if (pid < 0) {
    close(in[1]);
    close(out[0]);
    close(err[0]);
    return "cannot start ip";
  }
  j->pid = pid;
  j->in = in[1];
  j->out = out[0];
  j->err = err[0];
  return NULL;
}

/*
 * ip is started (spawn_ip) before the job's subscription and fingerprint:
 * it loads and opens its netlink socket meanwhile, and asks the kernel
 * nothing until it reads its first line (iproute2 ip.c batch: rtnl_open,
 * then getcmdline), which start_ip writes once the fingerprint is taken. So
 * ip's dumps still come after the fingerprint, as the proof needs (see
 * start), and its start (an exec and the loading of its libraries, ~2-3 ms)
 * runs beside the fingerprint instead of after it. Only where ip is likely
 * to run: a job that was no kept hit (the root's fingerprint may still find
 * it unchanged: then ip is killed unused, having done nothing). When it
 * cannot start here, start_ip tries again and says why.
 */
static void prestart_ip(job_t *j) {
  int unused;
  (void)spawn_ip(j, &unused);
}

/* A prestarted ip the job does not need (a hit, or a failure before the read): killed (it has asked the kernel nothing) and reaped. */
static void drop_prestarted(job_t *j) {
  if (j->in < 0) return;
  kill(j->pid, SIGKILL);
  while (waitpid(j->pid, NULL, 0) < 0 && errno == EINTR) {
  }
  close(j->in);
  close(j->out);
  close(j->err);
  j->in = j->out = j->err = -1;
  j->pid = -1;
}

/*
 * Has ip read the job's batch in the namespace the thread is in (j's): the
 * ip prestart_ip started, or one started now. Its stdout and stderr are
 * j->out and j->err. NULL, or the words of why not (with errno in *err_no).
 */
static const char *start_ip(job_t *j, int root, int *err_no) {
  const char *b = j->dbatch ? j->dbatch : root && root_batch ? (root_ip_batch ? root_ip_batch : root_batch) : batch;
  const char *why = j->in < 0 ? spawn_ip(j, err_no) : NULL;
  if (why) return why;
  /*
   * The batch is small (under a pipe's buffer): one write, then end of
   * input. A write that fails finds ip gone (it could not be run, say): its
   * exit status and its own words, collected as any ip's, tell why.
   */
  if (write(j->in, b, strlen(b)) < 0) {
    /* nothing more to do here: see above */
  }
  close(j->in);
  j->in = -1;
  return NULL;
}

/* Link and address digests in the order plan_delta compares them: by interface, then type, family and digest. */
static int by_interface(const void *pa, const void *pb) {
  const object_digest *a = pa, *b = pb;
  if (a->index != b->index) return a->index < b->index ? -1 : 1;
  if (a->type != b->type) return a->type < b->type ? -1 : 1;
  if (a->family != b->family) return a->family < b->family ? -1 : 1;
  return memcmp(a->d, b->d, sizeof a->d);
}

/* The digests of d (n of them) about an interface (links, addresses), sorted by_interface: *out of them, or NULL. */
static object_digest *interface_digests(const object_digest *d, size_t n, size_t *out) {
  object_digest *p = malloc((n ? n : 1) * sizeof *p);
  size_t k = 0;
  if (!p) return NULL;
  for (size_t i = 0; i < n; i++)
    if ((d[i].type == RTM_GETLINK || d[i].type == RTM_GETADDR) && d[i].index > 0) p[k++] = d[i];
  qsort(p, k, sizeof *p, by_interface);
  *out = k;
  return p;
}

/* The name hash of the interface's own link message among g (n digests of one interface), 0 when there is none. */
static unsigned long long link_name_of(const object_digest *g, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (g[i].type == RTM_GETLINK && g[i].family == AF_UNSPEC) return g[i].name;
  return 0;
}

/* A name a batch line carries as one word, as ip reads it (no quote, comment or escape to read otherwise). */
static int plain_word(const char *n) {
  for (const char *c = n; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("._-+@=%,", *c)))
      return 0;
  return n[0] != 0;
}

/* At most this many changed links are read alone; more, or more than a quarter of all, and the root is read whole. */
enum { DELTA_MAX = 64 };

/*
 * The root changed since the read the caller caches (`base`: that read's
 * digests, nb of them; the root's new ones are in j): when only some of its
 * interfaces differ, sets j->dbatch to read just those (`address show dev
 * NAME` each) and the root batch's other lines (its routes, read whole),
 * and j->changed to the output's first line, "changed" and their indexes.
 * The caller's cached link table, minus those interfaces, plus what this
 * read prints of them, is then what a whole read would print (modulo
 * order, and what no fingerprint hashes): every other interface's link
 * and address messages are as in the cached read, digest for digest.
 * Nothing is set (a whole read) when an interface was removed or renamed
 * (another link's part of the table may name it: a bridge port its
 * master, a VXLAN its device), a new one has a number below the base's
 * highest, a digest is missing, or too many changed. Runs in the root,
 * after the subscription and the fingerprint.
 */
static void plan_delta(job_t *j, const object_digest *base, size_t nb) {
  static const char first[] = "address show\n";
  if (!j->whole || !root_ip_batch || strncmp(root_ip_batch, first, sizeof first - 1) != 0) return;
  size_t na = 0, nn = 0, links = 0, count = 0;
  object_digest *a = interface_digests(base, nb, &na), *n = interface_digests(j->d, j->nd, &nn);
  buf_t lines = {0}, changed = {0};
  int ok = a && n;
  buf_add(&changed, "changed", 7);
  for (size_t i = 0; i < nn; i++) links += n[i].type == RTM_GETLINK && n[i].family == AF_UNSPEC;
  /* The kernel numbers new links upwards: one new to the base below its highest number came from elsewhere (below). */
  int highest = a && na ? a[na - 1].index : 0;
  for (size_t i = 0, k = 0; ok && (i < na || k < nn);) {
    int idx = i < na && (k >= nn || a[i].index <= n[k].index) ? a[i].index : n[k].index;
    size_t i2 = i, k2 = k;
    while (i2 < na && a[i2].index == idx) i2++;
    while (k2 < nn && n[k2].index == idx) k2++;
    int same = i2 - i == k2 - k;
    for (size_t x = 0; same && x < i2 - i; x++) same = by_interface(&a[i + x], &n[k + x]) == 0;
    if (!same) {
      unsigned long long was = link_name_of(a + i, i2 - i), now = link_name_of(n + k, k2 - k);
      char name[IF_NAMESIZE + 1];
      /*
       * Gone, renamed, or known by its addresses alone: another part of the
       * table may name it. New, with a number below the base's highest (moved
       * in from another namespace, or made with `index`): it may take the
       * number of one that went, which another element may still name.
       */
      ok = now && (i2 == i ? idx > highest : was && was == now) && ++count <= DELTA_MAX &&
           if_indextoname((unsigned)idx, name) && plain_word(name);
      if (ok) {
        char num[16];
        buf_add(&lines, "address show dev ", 17);
        buf_add(&lines, name, strlen(name));
        buf_add(&lines, "\n", 1);
        snprintf(num, sizeof num, " %d", idx);
        buf_add(&changed, num, strlen(num));
      }
    }
    i = i2;
    k = k2;
  }
  free(a);
  free(n);
  if (ok && count * 4 <= links) {
    buf_add(&lines, root_ip_batch + sizeof first - 1, strlen(root_ip_batch + sizeof first - 1));
    buf_add(&changed, "\n", 1);
    j->dbatch = lines.p;
    j->changed = changed;
    if (j->dbatch) return;
  }
  free(lines.p);
  free(changed.p);
  memset(&j->changed, 0, sizeof j->changed);
}

/*
 * Enters the namespace, fingerprints it; on a miss has ip read it there. Returns 1 when a job runs.
 * ip reads after the fingerprint, also with nothing cached (FP "-"): it may
 * be started before (prestart_ip), but gets its batch only after the
 * fingerprint. Why not beside it: the proof (finish) judges each notification
 * since the subscription against the fingerprint's digests, and one that
 * shows an object as the fingerprint saw it is no change. That holds when
 * the fingerprint came first; had ip dumped an object before a change and
 * the fingerprint after it, the change's notification would look like the
 * fingerprint's own view and ip's output would be called stable while
 * showing the state before (seen in CI: a pinned neighbour entry replaced
 * during the read was reported stable).
 */
static int start(job_t *j, const char *cached, int sysctls) {
  memset(&j->o, 0, sizeof j->o);
  memset(&j->e, 0, sizeof j->e);
  memset(&j->sys, 0, sizeof j->sys);
  memset(&j->names, 0, sizeof j->names);
  memset(&j->list, 0, sizeof j->list);
  memset(&j->ids, 0, sizeof j->ids);
  j->d = NULL;
  j->nd = 0;
  j->sub = -1;
  j->pid = -1;
  j->in = -1;
  j->sysctls = sysctls;
  j->dbatch = NULL;
  memset(&j->changed, 0, sizeof j->changed);
  if (!enter_ns(j)) return 0;
  int root = !j->name[0];
  watch_mark_t wm;
  watch_mark(root ? WATCH_ROOT : j->nsfd, &wm);
  if (kept_hit(j, &wm, cached, sysctls)) goto done;
  prestart_ip(j);
  j->sub = subscribe_all(root);
  int forked = 0;
  const char *why = NULL;
  buf_t names = {0};
  link_names_out = &names;
  if (root) {
    netns_list_out = &j->list;
    netns_ids_out = &j->ids;
    netns_list_ok = 0;
  }
  int r = fingerprint_seen(j->fp, root);
  if (root && r == 0 && !netns_list_ok) j->fp[0] = 0; /* no list to compare with: read, never stable */
  netns_list_out = NULL;
  netns_ids_out = NULL;
  link_names_out = NULL;
  read_sysctls(&j->sys, keys_for(j->name, sysctls), j->nsfd, r == 0 ? &names : NULL);
  int hit = r == 0 && j->sub >= 0 && strcmp(j->fp, cached) == 0;
  if (hit) watch_record(&wm, j->fp, &names);
  if (!hit && r == 0) {
    /* Kept for the proof after ip (finish), which may run on another thread. */
    size_t nd;
    const object_digest *d = seen_digests(&nd, &j->pinned);
    j->d = nd ? malloc(nd * sizeof *d) : NULL;
    j->nd = j->d ? nd : 0;
    j->whole = seen_whole();
    if (j->d) memcpy(j->d, d, nd * sizeof *d);
    else if (nd) j->fp[0] = 0; /* without them nothing is proven: read, never stable */
    j->wm = wm;
    j->names = names;
    names = (buf_t){0};
    size_t nb;
    const object_digest *base = root && j->fp[0] && j->sub >= 0 ? watch_root_base(cached, &nb) : NULL;
    if (base) plan_delta(j, base, nb);
  }
  free(names.p);
  /* Changing all the time (every dump interrupted): read by ip all the same, never cached. */
  if (r == -EAGAIN) {
    j->fp[0] = 0;
    r = 0;
  }
  if (r < 0 || j->sub < 0) {
    back_home();
    fail(j, r < 0 ? "cannot read the namespace" : "cannot subscribe to changes", r < 0 ? -r : errno);
    goto done;
  }
  if (hit) {
    back_home();
    fields(j->name, "hit", j->fp, 1, 0, &j->sys, NULL, "");
    goto done;
  }
  if ((why = start_ip(j, root, &forked)) != NULL) {
    back_home();
    fail(j, why, forked);
    goto done;
  }
  back_home();
  return 1;
done:
  drop_prestarted(j);
  if (j->sub >= 0) close(j->sub);
  close(j->nsfd);
  free(j->dbatch);
  free(j->changed.p);
  free(j->sys.p);
  free(j->d);
  free(j->names.p);
  free(j->list.p);
  free(j->ids.p);
  return 0;
}

/* A namespace named on stdin: its cached fingerprint, whether its sysctls are wanted, and whether it must be read. */
typedef struct {
  char name[256];
  char fp[65];
  int sysctls, todo;
} entry_t;

static job_t root_job;
static int root_running;
static atomic_int root_taken;

/*
 * The fingerprint alone, on a worker thread: an unchanged namespace is
 * printed as a hit (and a gone one as gone); any other is left `todo` for
 * start() on the main thread, which subscribes, fingerprints again and reads.
 */
static void probe(entry_t *e) {
  /*
   * The root: the likeliest miss (any lab's change shows there) and the
   * biggest read (every bridge port on the host). start() subscribes,
   * fingerprints, and on a miss starts its ip here at once, so that ip runs
   * while the other threads are still fingerprinting; the main thread
   * collects it with the others (after pthread_join, which orders root_job).
   */
  if (!e->name[0] && !atomic_exchange(&root_taken, 1)) {
    memcpy(root_job.name, e->name, sizeof root_job.name);
    root_running = start(&root_job, e->fp, e->sysctls);
    return;
  }
  /* Nothing cached: it cannot be a hit, and start() fingerprints it anyway. */
  if (!strcmp(e->fp, "-")) {
    e->todo = 1;
    return;
  }
  job_t j;
  memcpy(j.name, e->name, sizeof j.name);
  memset(&j.sys, 0, sizeof j.sys);
  if (!enter_ns(&j)) return;
  watch_mark_t wm;
  watch_mark(j.nsfd, &wm);
  if (kept_hit(&j, &wm, e->fp, e->sysctls)) {
    close(j.nsfd);
    free(j.sys.p);
    return;
  }
  buf_t names = {0};
  link_names_out = &names;
  int r = fingerprint_seen(j.fp, !j.name[0]);
  link_names_out = NULL;
  if (r == 0) read_sysctls(&j.sys, keys_for(j.name, e->sysctls), j.nsfd, &names);
  int hit = r == 0 && strcmp(j.fp, e->fp) == 0;
  if (hit) watch_record(&wm, j.fp, &names);
  free(names.p);
  back_home();
  close(j.nsfd);
  if (hit) fields(j.name, "hit", j.fp, 1, 0, &j.sys, NULL, "");
  else e->todo = 1;
  free(j.sys.p);
}

static entry_t *entries;
static size_t nentries;
static atomic_size_t next_entry;

static void *prober(void *unused) {
  (void)unused;
  for (size_t i; (i = atomic_fetch_add(&next_entry, 1)) < nentries;) probe(&entries[i]);
  return NULL;
}

/* How many fingerprinting threads: NSREAD_THREADS, else one per CPU (at most 8). */
static int thread_count(void) {
  const char *t = getenv("NSREAD_THREADS");
  long n = t ? atol(t) : sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/*
 * ip has ended: collect it, check that nothing changed meanwhile, print.
 * The proof (STABLE) is the notifications since the subscription, made
 * before the fingerprint (start): none that could be a change of what that
 * fingerprint hashed (quiet_since_fp, judged as a kept namespace is), no
 * overrun, and for the root the same /run/netns names and ids (which no
 * notification tells of) as the fingerprint listed. A second fingerprint
 * after ip proved no more: every change it could see sends a notification
 * in the same kernel step (under rtnl, or the table's own lock that the
 * dump takes too), and it was a fifth of the root's read.
 */
static int finish(job_t *j) {
  int st = 0;
  while (waitpid(j->pid, &st, 0) < 0 && errno == EINTR) {
  }
  int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
  int root = !j->name[0];
  buf_t list = {0};
  /*
   * The root: /run/netns must still name what the fingerprint listed. The
   * same namespace files under the same names (a stat each, netns_names_same)
   * with the subscription quiet prove it; else the names and ids are listed
   * again (nsread's own namespace is the root: asked from here) and compared.
   */
  int same = root && j->fp[0] ? netns_names_same(&j->ids) : 0;
  int listed = !root || same == 1 || netns_list_json(&list) == 0;
  if (same == 1) buf_add(&list, j->list.p ? j->list.p : "", j->list.n);
  int stable = j->fp[0] && listed && (!root || (list.n == j->list.n && (list.n == 0 || memcmp(list.p, j->list.p, list.n) == 0))) &&
               quiet_since_fp(j->sub, j->d, j->nd, j->pinned);
  if (j->dbatch && (!stable || code != 0)) {
    /*
     * Its changed links alone were not read cleanly (a change meanwhile, a
     * link gone before ip came to it): read whole, as with nothing cached.
     */
    free(list.p);
    close(j->sub);
    close(j->nsfd);
    buf_t *bufs[] = {&j->o, &j->e, &j->sys, &j->names, &j->list, &j->ids, &j->changed};
    for (size_t i = 0; i < sizeof bufs / sizeof *bufs; i++) free(bufs[i]->p);
    free(j->d);
    free(j->dbatch);
    return start(j, "-", j->sysctls);
  }
  if (stable) watch_record_with(&j->wm, j->fp, &j->names, j->d, j->nd, j->pinned, j->whole);
  /* ip went through the batch (it stops at a failed line): the list it was not given follows. */
  if (root && root_ip_batch && code == 0) {
    if (!listed) {
      stable = 0;
      code = 1;
      const char *why = "nsread: cannot list /run/netns\n";
      buf_add(&j->e, why, strlen(why));
    } else buf_add(&j->o, list.p ? list.p : "", list.n);
  }
  free(list.p);
  if (j->dbatch) {
    /* "delta": the output's first line names the links read, those whose cached part is replaced (plan_delta). */
    buf_add(&j->changed, j->o.p ? j->o.p : "", j->o.n);
    fields(j->name, "delta", j->fp, stable, code, &j->sys, &j->changed, j->e.p ? j->e.p : "");
  } else fields(j->name, "read", j->fp, stable, code, &j->sys, &j->o, j->e.p ? j->e.p : "");
  close(j->sub);
  close(j->nsfd);
  free(j->o.p);
  free(j->e.p);
  free(j->sys.p);
  free(j->d);
  free(j->names.p);
  free(j->list.p);
  free(j->ids.p);
  free(j->dbatch);
  free(j->changed.p);
  return 0;
}

/* Waits for output of the running jobs; finishes those whose ip has closed both pipes. */
static int pump(job_t *jobs, int running) {
  struct pollfd p[2 * MAX_JOBS];
  for (int i = 0; i < running; i++) {
    p[2 * i] = (struct pollfd){.fd = jobs[i].out, .events = POLLIN};
    p[2 * i + 1] = (struct pollfd){.fd = jobs[i].err, .events = POLLIN};
  }
  if (poll(p, 2 * running, -1) < 0 && errno != EINTR) {
    perror("nsread: poll");
    exit(2);
  }
  char b[65536];
  for (int i = 0; i < 2 * running; i++) {
    if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
    job_t *j = &jobs[i / 2];
    ssize_t n = read(p[i].fd, b, sizeof b);
    if (n > 0) buf_add(i % 2 ? &j->e : &j->o, b, (size_t)n);
    else if (n == 0 || errno != EINTR) {
      close(p[i].fd);
      if (i % 2) j->err = -1;
      else j->out = -1;
    }
  }
  for (int i = 0; i < running;) {
    /* A job finish() started again (a root read of its changed links that must be read whole) goes on. */
    if (jobs[i].out < 0 && jobs[i].err < 0 && !finish(&jobs[i])) jobs[i] = jobs[--running];
    else i++;
  }
  return running;
}

/*
 * `nsread sha256 portable|auto SEED`: the SHA-256 of stdin, fed to
 * sha256_update in pieces whose sizes follow SEED (0 to 200 bytes, so that
 * partial blocks, whole ones straight from the input and empty updates all
 * occur), hashed by the portable block function or the one CPUID chooses.
 * The first line names the block function used.
 */
static int sha_mode(const char *which, unsigned seed) {
  sha256_use_portable(strcmp(which, "portable") == 0);
  buf_t in = {0};
  char b[65536];
  for (ssize_t n; (n = read(0, b, sizeof b)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      perror("nsread: read");
      return 2;
    }
    buf_add(&in, b, (size_t)n);
  }
  sha256_ctx c;
  unsigned char d[32];
  sha256_init(&c);
  for (size_t off = 0;;) {
    seed = seed * 1103515245u + 12345u;
    size_t k = (seed >> 16) % 201;
    if (k > in.n - off) k = in.n - off;
    sha256_update(&c, in.p ? in.p + off : "", k);
    off += k;
    if (off == in.n) break;
  }
  sha256_final(&c, d);
  printf("%s\n", sha256_implementation());
  for (int i = 0; i < 32; i++) printf("%02x", d[i]);
  printf("\n");
  free(in.p);
  return 0;
}

/*
 * `nsread netns-same CMD [ARG...]` (tests): lists /run/netns as a root
 * read's fingerprint does (names, ids, each entry's namespace file), after
 * subscribing as that read does; runs CMD and waits for it; then prints
 * "same S relisted R notified N": S what netns_names_same says now (1, 0,
 * -1), R 1 when listing the names and ids again gives the same `netns list`
 * text, N 1 when a notification came that the read takes as a change. A read
 * keeps its list (finish) only with S 1 and N 0; so R 0 with S 1 and N 0
 * would be a list printed as true when it is not.
 */
static int netns_same_mode(char **cmd) {
  int sub = subscribe_all(1);
  buf_t list = {0}, ids = {0}, again = {0};
  netns_ids_out = &ids;
  int r = netns_list_json(&list);
  netns_ids_out = NULL;
  if (r || sub < 0) {
    fprintf(stderr, "nsread: cannot list /run/netns or subscribe\n");
    return 2;
  }
  pid_t pid = spawn_tool(cmd, 0, 1, 2, 0);
  int st = 0;
  while (pid > 0 && waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    fprintf(stderr, "nsread: %s failed\n", cmd[0]);
    return 2;
  }
  int same = netns_names_same(&ids);
  int relisted = netns_list_json(&again) == 0 && again.n == list.n && (list.n == 0 || memcmp(again.p, list.p, list.n) == 0);
  printf("same %d relisted %d notified %d\n", same, relisted, changed_beyond(sub));
  free(list.p);
  free(ids.p);
  free(again.p);
  close(sub);
  return 0;
}

static int self_test(void) {
  sha256_ctx c;
  unsigned char d[32];
  sha256_init(&c);
  sha256_update(&c, "abc", 3);
  sha256_final(&c, d);
  for (int i = 0; i < 32; i++) printf("%02x", d[i]);
  printf("\n");
  return 0;
}

/* `nsread links STATS`: each namespace's link table (live views; never cached). */
static int links_mode(int stats) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    if (line[n - 1] == '\n') line[--n] = 0;
    job_t j;
    snprintf(j.name, sizeof j.name, "%s", line);
    if (!valid_name(j.name)) {
      fields4(j.name, "error", "", "nsread: not a valid namespace name");
      continue;
    }
    char path[300];
    snprintf(path, sizeof path, "/run/netns/%s", j.name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
      int e = errno;
      if (fd >= 0) close(fd);
      if (e == ENOENT || e == EINVAL) fields4(j.name, "gone", "", "");
      else {
        char msg[512];
        snprintf(msg, sizeof msg, "nsread: cannot enter namespace \"%s\": %s", j.name, strerror(e));
        fields4(j.name, "error", "", msg);
      }
      continue;
    }
    buf_t out = {0};
    int r = link_table(&out, stats);
    back_home();
    close(fd);
    if (r < 0) {
      char msg[512];
      snprintf(msg, sizeof msg, "nsread: cannot read the links of namespace \"%s\": %s", j.name, strerror(-r));
      fields4(j.name, "error", "", msg);
    } else fields4(j.name, "ok", out.p ? out.p : "[]", "");
    free(out.p);
  }
  free(line);
  return fflush(stdout) != 0;
}

/* `nsread held [--files] [NAME...]`: how many kept sysctl directories (files) a request finds (of the namespaces named, else all). */
static int held_mode(int n, char **names) {
  if (n > 0 && strcmp(names[0], "--kept") == 0) return printf("%d\n", watch_count(n - 1, names + 1)) < 0;
  int files = n > 0 && strcmp(names[0], "--files") == 0;
  n -= files;
  names += files;
  if (n == 0) return printf("%d\n", held_count(-1, files)) < 0;
  int total = 0;
  for (int i = 0; i < n; i++) {
    char path[300];
    snprintf(path, sizeof path, "/run/netns/%s", names[i]);
    int fd = valid_name(names[i]) ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0) continue;
    total += held_count(fd, files);
    close(fd);
  }
  return printf("%d\n", total) < 0;
}

/* One invocation's work, by its argv (main's, or a request of `serve`, nsread-serve.c). */
int dispatch(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "--version") == 0) return puts("nsread 1") < 0;
  if (argc == 2 && strcmp(argv[1], "--self-test") == 0) return self_test();
  if (argc == 4 && strcmp(argv[1], "sha256") == 0) return sha_mode(argv[2], (unsigned)strtoul(argv[3], NULL, 10));
  if (argc == 3 && strcmp(argv[1], "links") == 0) {
    signal(SIGPIPE, SIG_IGN);
    self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (self_ns < 0) {
      perror("nsread: cannot open its own network namespace");
      return 2;
    }
    return links_mode(strcmp(argv[2], "1") == 0);
  }
  /* How many sysctl directory (or file) fds a request finds kept (nsread-held.c): what tests of serve mode look at. */
  if (argc >= 2 && strcmp(argv[1], "held") == 0) return held_mode(argc - 2, argv + 2);
  if (argc >= 3 && strcmp(argv[1], "netns-same") == 0) return netns_same_mode(argv + 2);
  if (argc == 3 && strcmp(argv[1], "run") == 0) return run_mode(atoi(argv[2]), NULL);
  if (argc >= 4 && strcmp(argv[1], "run") == 0 && strncmp(argv[3], "--prime=", 8) == 0) {
    /* The keys a read will ask of every primed namespace (its --always keys): warmed after the writes. */
    keys = argv + 4;
    nkeys = always = argc - 4;
    watch_child_init();
    return run_mode(atoi(argv[2]), argv[3] + 8);
  }
  if (argc < 4 || strcmp(argv[1], "read") != 0) {
    fputs("usage: nsread read MAXJOBS BATCH [--root=BATCH] [--always=N] [SYSCTL_KEY...] < \"NAME\\tFP\\tS\" lines\n", stderr);
    return 2;
  }
  int max = atoi(argv[2]);
  if (max < 1) max = 1;
  if (max > MAX_JOBS) max = MAX_JOBS;
  batch = argv[3];
  keys = argv + 4;
  nkeys = argc - 4;
  if (nkeys > 0 && strncmp(keys[0], "--root=", 7) == 0) {
    root_batch = keys[0] + 7;
    keys++;
    nkeys--;
    static const char tail[] = "netns list\n";
    size_t bl = strlen(root_batch), tl = sizeof tail - 1;
    if (bl >= tl && !strcmp(root_batch + bl - tl, tail) && (bl == tl || root_batch[bl - tl - 1] == '\n'))
      root_ip_batch = strndup(root_batch, bl - tl);
  }
  always = 0;
  if (nkeys > 0 && strncmp(keys[0], "--always=", 9) == 0) {
    always = atoi(keys[0] + 9);
    keys++;
    nkeys--;
    if (always < 0) always = 0;
    if (always > nkeys) always = nkeys;
  }
  signal(SIGPIPE, SIG_IGN);
  setenv("LC_ALL", "C", 1);
  self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self_ns < 0) {
    perror("nsread: cannot open its own network namespace");
    return 2;
  }
  watch_child_init();
  char *line = NULL;
  size_t cap = 0, ecap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    if (line[n - 1] == '\n') line[--n] = 0;
    char *tab = strchr(line, '\t');
    if (!tab) continue;
    *tab = 0;
    char *fp = tab + 1, *flag = strchr(fp, '\t');
    if (flag) *flag++ = 0;
    if (nentries == ecap) {
      entry_t *p = realloc(entries, (ecap = ecap ? 2 * ecap : 256) * sizeof *entries);
      if (!p) {
        fputs("nsread: out of memory\n", stderr);
        return 2;
      }
      entries = p;
    }
    entry_t *e = &entries[nentries++];
    snprintf(e->name, sizeof e->name, "%s", line);
    snprintf(e->fp, sizeof e->fp, "%s", fp);
    e->sysctls = flag && strcmp(flag, "1") == 0;
    e->todo = 1;
  }
  free(line);
  int threads = thread_count();
  if ((size_t)threads > nentries) threads = nentries ? (int)nentries : 1;
  for (size_t i = 0; i < nentries; i++) {
    entries[i].todo = 0;
    /* The root first: a thread takes it before any other (see probe). */
    if (i > 0 && !entries[i].name[0]) {
      entry_t r = entries[i];
      entries[i] = entries[0];
      entries[0] = r;
    }
  }
  pthread_t t[8];
  int started = 0;
  for (; started < threads - 1; started++)
    if (pthread_create(&t[started], NULL, prober, NULL) != 0) break;
  prober(NULL); /* the main thread takes entries too (all of them when no thread started) */
  for (int i = 0; i < started; i++) pthread_join(t[i], NULL);
  static job_t jobs[MAX_JOBS];
  int running = 0;
  if (root_running) jobs[running++] = root_job;
  for (size_t i = 0; i < nentries; i++) {
    if (!entries[i].todo) continue;
    while (running >= max) running = pump(jobs, running);
    job_t *j = &jobs[running];
    memcpy(j->name, entries[i].name, sizeof j->name);
    if (start(j, entries[i].fp, entries[i].sysctls)) running++;
  }
  while (running > 0) running = pump(jobs, running);
  free(entries);
  return fflush(stdout) != 0;
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "serve") == 0) return serve_mode();
  return dispatch(argc, argv);
}
