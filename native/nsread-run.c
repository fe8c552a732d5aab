/*
 * `nsread run MAXJOBS [--prime=BATCH [SYSCTL_KEY...]]`: netplumb's per-namespace writes (issue 13). The
 * executor's waves run one `<tool> -batch -` per namespace; started as
 * `ip -n NS -batch -`, each such process also unshares its mount namespace
 * and remounts /sys (iproute2's netns_switch), which copies the whole mount
 * table: with hundreds of /run/netns bind mounts that copy is most of the
 * cost, and it grows with every namespace on the host. Here MAXJOBS worker
 * threads take the jobs in turn: a worker enters the job's network
 * namespace with setns(CLONE_NEWNET) only (setns is per thread) and starts
 * the tool there with vfork+exec (spawn_tool), so a job creates one process,
 * the tool, and copies no page tables.
 *
 * Input (stdin), per job 4 fields, each ended by a NUL byte:
 *   NAME TOOL FLAGS INPUT
 * NAME is an entry of /run/netns (checked as `read` checks it), or empty for
 * nsread's own namespace (the root, where the executor's root batches run),
 * TOOL one of ip, tc, bridge (anything else is refused), FLAGS "" or "force"
 * (adds -force), INPUT the batch text (no NUL can be in it: the caller
 * refuses one).
 * The child runs `TOOL [-force] -batch -` with INPUT on its stdin.
 *
 * Output (stdout), per job 5 fields, each ended by a NUL byte, in the order
 * the jobs end:
 *   INDEX NAME EXIT STDOUT STDERR
 * INDEX counts the jobs of the input from 0. STDOUT and STDERR are the
 * tool's own (a NUL byte in them, which iproute2 never prints, becomes "?"
 * so the framing holds), so "Command failed -:N" names the failed line as
 * it does from `ip -n NS -batch -`; a namespace that is gone gives ip's own
 * words and exit code 255. Each record is flushed when its job has ended, so
 * a job without a record did not report (the caller treats its outcome as
 * unknown). A job that cannot be started is answered with its reason. Exit:
 * 0 when every job was read and reported, 2 when the input ended inside a job.
 *
 * With --prime=BATCH, FLAGS may also be "prime" (tool ip only): once the
 * job's writes have succeeded, the same ip reads the namespace with BATCH
 * (the live reader's read), and the job reports the read too
 * (nsread-prime.c). Every record then has 4 more fields:
 *   PRIME FP READ SYSCTLS
 * PRIME "stable" (READ is what `ip -j -d -batch -` prints for BATCH in the
 * namespace as its fingerprint FP describes it), "unstable" (the read may
 * not match any one state: not to be cached) or "" (not a primed job, or
 * its writes failed). Under serve, a primed job whose writes succeeded
 * also opens its namespace's sysctl directories and the files of the
 * SYSCTL_KEYs (the keys every read asks of a lab namespace) and sends them
 * to the server to keep (warm, nsread-held.c); with a stable read, SYSCTLS
 * is what those files held right after it, as `nsread read --always`
 * prints them ("" otherwise, and without serve).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "nsread.h"

#define RUN_MAX_JOBS 64

/* A job of the input, checked: run by a worker. */
typedef struct {
  long index;
  char name[256];
  const char *tool;
  char *input;
  size_t len;
  int force, prime;
} wjob_t;

static void warm(int nsfd, const buf_t *links, buf_t *values);

/* The read of primed jobs (--prime=BATCH), or NULL: then records have 5 fields. */
static const char *prime_batch;

/* One record at a time on stdout (workers end jobs at once). */
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

static void field(const char *s, size_t n) {
  fwrite(s, 1, n, stdout);
  fputc(0, stdout);
}

/* One job's record; a NUL inside the tool's output would break the framing: "?" instead. */
static void record(long index, const char *name, int code, buf_t *out, buf_t *err, buf_t *pr, buf_t *sys) {
  char num[24];
  pthread_mutex_lock(&out_lock);
  snprintf(num, sizeof num, "%ld", index);
  field(num, strlen(num));
  field(name, strlen(name));
  snprintf(num, sizeof num, "%d", code);
  field(num, strlen(num));
  for (buf_t *b = out;; b = err) {
    for (size_t i = 0; i < b->n; i++)
      if (b->p[i] == 0) b->p[i] = '?';
    field(b->p ? b->p : "", b->n);
    if (b == err) break;
  }
  if (prime_batch) {
    /* "S" + 64 hex digits + "\n" + the read; anything else is unstable. */
    int primed = pr && pr->n > 0;
    int stable = primed && pr->n >= 66 && pr->p[0] == 'S' && pr->p[65] == '\n';
    for (size_t i = 0; stable && i < pr->n; i++)
      if (pr->p[i] == 0) pr->p[i] = '?';
    field(stable ? "stable" : primed ? "unstable" : "", stable ? 6 : primed ? 8 : 0);
    field(stable ? pr->p + 1 : "", stable ? 64 : 0);
    field(stable ? pr->p + 66 : "", stable ? pr->n - 66 : 0);
    int with_sys = stable && sys && sys->n > 0;
    for (size_t i = 0; with_sys && i < sys->n; i++)
      if (sys->p[i] == 0) sys->p[i] = '?';
    field(with_sys ? sys->p : "", with_sys ? sys->n : 0);
  }
  fflush(stdout);
  pthread_mutex_unlock(&out_lock);
}

static void refuse(long index, const char *name, const char *why) {
  buf_t o = {0}, e = {0};
  buf_add(&e, "nsread: ", 8);
  buf_add(&e, why, strlen(why));
  buf_add(&e, "\n", 1);
  record(index, name, 1, &o, &e, NULL, NULL);
  free(e.p);
}

/* A memory file holding `input`, at its start; -1 when it cannot be made. */
static int input_file(const char *input, size_t len) {
  int fd = memfd_create("nsread-in", MFD_CLOEXEC);
  for (size_t w = 0; fd >= 0 && w < len;) {
    ssize_t n = write(fd, input + w, len - w);
    if (n > 0) w += (size_t)n;
    else if (n < 0 && errno != EINTR) {
      close(fd);
      fd = -1;
    }
  }
  if (fd >= 0 && lseek(fd, 0, SEEK_SET) < 0) {
    close(fd);
    fd = -1;
  }
  return fd;
}

/* The tool's exit code, as a shell reports it. */
static int wait_code(pid_t pid) {
  int st = 0;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return 127;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static void say(int fd, const char *a, const char *b, const char *c, int e) {
  dprintf(fd, "%s%s%s%s\n", a, b, c, strerror(e));
}

/* The plain job, in its namespace: `TOOL [-force] -batch -` on INPUT; its exit code. */
static int plain_job(const wjob_t *j, int out, int err) {
  int in = input_file(j->input, j->len);
  if (in < 0) {
    say(err, "nsread: cannot start ", j->tool, ": ", errno);
    return 1;
  }
  char *argv[5];
  int k = 0;
  argv[k++] = (char *)j->tool;
  if (j->force) argv[k++] = "-force";
  argv[k++] = "-batch";
  argv[k++] = "-";
  argv[k] = NULL;
  /*
   * Why a PATH lookup of a fixed name is safe here: TOOL is one of three
   * words checked by run_mode, and PATH is root's own environment (the
   * helper starts with a cleared one) — the same lookup `read` makes for ip
   * and the fan-out makes for every tool.
   */
  pid_t pid = spawn_tool(argv, in, out, err, 1);
  int e = errno;
  close(in);
  if (pid < 0) {
    say(err, "nsread: cannot start ", j->tool, ": ", e);
    return 1;
  }
  return wait_code(pid);
}

/* nsread's own network namespace, where each worker comes back after a job. */
static int self_ns = -1;

/*
 * One job on the calling worker thread: enters the namespace (ip's words
 * when it cannot: the executor and the live reader recognise a gone
 * namespace by them), runs it, comes back to nsread's own namespace, reports.
 */
static void run_job(const wjob_t *j) {
  buf_t o = {0}, e = {0}, p = {0}, sys = {0}, links = {0};
  int out = memfd_create("nsread-out", MFD_CLOEXEC), err = memfd_create("nsread-err", MFD_CLOEXEC);
  if (out < 0 || err < 0) {
    char why[160];
    snprintf(why, sizeof why, "nsread: cannot start %s: %s\n", j->tool, strerror(errno));
    buf_add(&e, why, strlen(why));
    record(j->index, j->name, 1, &o, &e, NULL, NULL);
    if (out >= 0) close(out);
    if (err >= 0) close(err);
    free(e.p);
    return;
  }
  char path[300];
  snprintf(path, sizeof path, "/run/netns/%s", j->name);
  /* The empty name: nsread's own namespace (the root, for the executor), where the worker already is. */
  int code, fd = j->name[0] ? open(path, O_RDONLY | O_CLOEXEC) : -2;
  if (fd == -2) code = plain_job(j, out, err);
  else if (fd < 0) {
    dprintf(err, "Cannot open network namespace \"%s\": %s\n", j->name, strerror(errno));
    code = 255;
  } else if (setns(fd, CLONE_NEWNET) < 0) {
    dprintf(err, "setting the network namespace \"%s\" failed: %s\n", j->name, strerror(errno));
    code = 255;
  } else if (j->prime) {
    code = prime_job(j->input, j->len, prime_batch, err, &o, &p, &links);
    if (code == 0) warm(fd, &links, &sys);
  } else code = plain_job(j, out, err);
  if (fd >= 0) close(fd);
  /* Why fatal: the worker's next job, and nsread's own work, must not start from a lab's namespace. */
  if (setns(self_ns, CLONE_NEWNET) < 0) {
    perror("nsread: cannot return to its own network namespace");
    exit(3);
  }
  if (!j->prime) slurp(out, &o);
  slurp(err, &e);
  close(out);
  close(err);
  record(j->index, j->name, code, &o, &e, j->prime ? &p : NULL, &sys);
  free(o.p);
  free(e.p);
  free(p.p);
  free(sys.p);
  free(links.p);
}

/*
 * Under serve, a primed job's namespace will be read next: its sysctl
 * directories are opened here, in the namespace, and sent to the server to
 * keep (nsread-held.c), so that the read after an apply finds them, with
 * the sysctl files it will ask for: here they are opened by the job's own
 * thread while the tool runs in other namespaces, instead of by that read.
 * What the files of the --always keys hold is appended to `values` (the
 * record's SYSCTLS), read for `links` (the read's link names) as the read
 * after it reads them.
 */
static void warm(int nsfd, const buf_t *links, buf_t *values) {
  static const char *const dirs[] = {"net/ipv4", "net/ipv6"};
  if (held_sock < 0) return;
  /* Both kept already (a namespace read or warmed before): its files were kept with them; no lookup by path again. */
  if (held_known(nsfd, dirs[0]) && held_known(nsfd, dirs[1])) {
    always_sysctls(nsfd, links, values);
    return;
  }
  /* "net" once, under a /proc/sys that few namespaces share (nsread-procfs.c); ipv4 and ipv6 below it are this namespace's alone. */
  int sys = sysctl_root(), fds[2];
  int net = sys < 0 ? -1 : openat(sys, "net", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (sys >= 0) close(sys);
  for (int i = 0; i < 2; i++) {
    fds[i] = net < 0 ? -1 : openat(net, dirs[i] + 4, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fds[i] >= 0 && !held_known(nsfd, dirs[i])) held_keep(nsfd, dirs[i], fds[i], 0);
  }
  if (net >= 0) close(net);
  /* And the files under them that the read will ask for (the keys given after --prime). */
  warm_sysctls(nsfd, dirs, fds, 2, links, values);
  held_flush();
  for (int i = 0; i < 2; i++)
    if (fds[i] >= 0) close(fds[i]);
}

static wjob_t *jobs;
static size_t njobs;
static atomic_size_t next_job;

static void *worker(void *unused) {
  (void)unused;
  for (size_t i; (i = atomic_fetch_add(&next_job, 1)) < njobs;) run_job(&jobs[i]);
  return NULL;
}

/* One NUL-ended field of stdin into *f: 1; 0 at the end of input; -1 for a field with no NUL. */
static int next_field(char **f, size_t *cap, size_t *len) {
  ssize_t n = getdelim(f, cap, 0, stdin);
  if (n <= 0) return 0;
  if ((*f)[n - 1] != 0) return -1;
  *len = (size_t)n - 1;
  return 1;
}

/* The job's reason to be refused, or NULL. */
static const char *refusal(const char *name, size_t namelen, const char *tool, const char *flags) {
  /* Why: the name becomes a path under /run/netns; "..", "/" or an option-like name must never reach it. */
  if (namelen != strlen(name) || namelen >= 256 || (namelen > 0 && !valid_name(name)))
    return "not a valid namespace name";
  /* Why: root runs this; only the three iproute2 tools the executor batches may be started. */
  if (strcmp(tool, "ip") != 0 && strcmp(tool, "tc") != 0 && strcmp(tool, "bridge") != 0)
    return "refusing to run a tool other than ip, tc or bridge";
  int force = strcmp(flags, "force") == 0, primed = strcmp(flags, "prime") == 0;
  if (flags[0] && !force && !primed) return "unknown flags (only \"force\" or \"prime\")";
  /* Why: only ip runs the read, and only when the caller said what to read. */
  if (primed && (!prime_batch || strcmp(tool, "ip") != 0 || !name[0]))
    return "\"prime\" needs --prime=BATCH, the tool ip and a named namespace";
  return NULL;
}

/** `nsread run MAXJOBS [--prime=BATCH]`; see the comment at the top. */
int run_mode(int max, const char *prime) {
  prime_batch = prime;
  if (max < 1) max = 1;
  if (max > RUN_MAX_JOBS) max = RUN_MAX_JOBS;
  signal(SIGPIPE, SIG_IGN);
  setenv("LC_ALL", "C", 1);
  self_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self_ns < 0) {
    perror("nsread: cannot open its own network namespace");
    return 2;
  }
  /* Its jobs only add kept directories and files: the inherited fds would be copied into every tool it starts. */
  held_close_fds();
  held_send_only = 1;
  int status = 0;
  size_t cap = 0;
  char *f[4] = {0};
  size_t fcap[4] = {0}, len[4] = {0};
  /* The whole input first (the caller writes it at once): the workers then share one list. */
  for (long index = 0;; index++) {
    int got = 0, r = 1;
    while (got < 4 && (r = next_field(&f[got], &fcap[got], &len[got])) == 1) got++;
    if (got == 0 && r == 0) break;
    if (got < 4) {
      fputs("nsread run: the input ended inside a job (4 NUL-ended fields each)\n", stderr);
      status = 2;
      break;
    }
    const char *why = refusal(f[0], len[0], f[1], f[2]);
    if (why) {
      char name[256];
      snprintf(name, sizeof name, "%s", f[0]);
      refuse(index, name, why);
      continue;
    }
    if (njobs == cap) {
      wjob_t *p = realloc(jobs, (cap = cap ? 2 * cap : 256) * sizeof *jobs);
      if (!p) {
        fputs("nsread: out of memory\n", stderr);
        return 2;
      }
      jobs = p;
    }
    wjob_t *j = &jobs[njobs++];
    j->index = index;
    memcpy(j->name, f[0], len[0] + 1);
    j->tool = !strcmp(f[1], "ip") ? "ip" : !strcmp(f[1], "tc") ? "tc" : "bridge";
    j->force = strcmp(f[2], "force") == 0;
    j->prime = strcmp(f[2], "prime") == 0;
    j->len = len[3];
    j->input = malloc(len[3] + 1);
    if (!j->input) {
      fputs("nsread: out of memory\n", stderr);
      return 2;
    }
    memcpy(j->input, f[3], len[3] + 1);
  }
  for (int i = 0; i < 4; i++) free(f[i]);
  /* Small stacks: a worker's deepest frame holds two 64 KiB buffers. */
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 512 * 1024);
  pthread_t t[RUN_MAX_JOBS];
  int started = 0, want = (size_t)max < njobs ? max : (int)njobs;
  for (; started < want - 1; started++)
    if (pthread_create(&t[started], &attr, worker, NULL) != 0) break;
  pthread_attr_destroy(&attr);
  worker(NULL); /* the main thread works too (alone when no thread started) */
  for (int i = 0; i < started; i++) pthread_join(t[i], NULL);
  for (size_t i = 0; i < njobs; i++) free(jobs[i].input);
  free(jobs);
  if (fflush(stdout) != 0) return 1;
  return status;
}
