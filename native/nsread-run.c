/*
 * `nsread run MAXJOBS [--prime=BATCH]`: netplumb's per-namespace writes (issue 13). The
 * executor's waves run one `<tool> -batch -` per namespace; started as
 * `ip -n NS -batch -`, each such process also unshares its mount namespace
 * and remounts /sys (iproute2's netns_switch), which copies the whole mount
 * table: with hundreds of /run/netns bind mounts that copy is most of the
 * cost, and it grows with every namespace on the host. Here each job is one
 * fork; the child enters the network namespace with setns(CLONE_NEWNET)
 * only and execs the tool there, at most MAXJOBS at once.
 *
 * Input (stdin), per job 4 fields, each ended by a NUL byte:
 *   NAME TOOL FLAGS INPUT
 * NAME is an entry of /run/netns (checked as `read` checks it), TOOL one of
 * ip, tc, bridge (anything else is refused), FLAGS "" or "force" (adds
 * -force), INPUT the batch text (no NUL can be in it: the caller refuses one).
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
 * (nsread-prime.c). Every record then has 3 more fields:
 *   PRIME FP READ
 * PRIME "stable" (READ is what `ip -j -d -batch -` prints for BATCH in the
 * namespace as its fingerprint FP describes it), "unstable" (the read may
 * not match any one state: not to be cached) or "" (not a primed job, or
 * its writes failed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
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

typedef struct {
  long index;
  char name[256];
  pid_t pid;
  int out, err, prime;
} wjob_t;

/* The read of primed jobs (--prime=BATCH), or NULL: then records have 5 fields. */
static const char *prime_batch;

static void field(const char *s, size_t n) {
  fwrite(s, 1, n, stdout);
  fputc(0, stdout);
}

/* One job's record; a NUL inside the tool's output would break the framing: "?" instead. */
static void record(long index, const char *name, int code, buf_t *out, buf_t *err, buf_t *pr) {
  char num[24];
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
  }
  fflush(stdout);
}

static void refuse(long index, const char *name, const char *why) {
  buf_t o = {0}, e = {0};
  buf_add(&e, "nsread: ", 8);
  buf_add(&e, why, strlen(why));
  buf_add(&e, "\n", 1);
  record(index, name, 1, &o, &e, NULL);
  free(e.p);
}

/* Reads a whole memory file from its start. */
static void slurp(int fd, buf_t *b) {
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

/*
 * The child: enters the namespace (ip's words when it cannot: the executor
 * and the live reader recognise a gone namespace by them) and execs the tool.
 */
static void child(const char *name, const char *tool, int force, int in, int out, int err,
                  const char *input, size_t len, int prime) {
  /* Why: when nsread is killed (the caller's deadline), its tools must not go on changing the kernel while the caller rolls back. */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) _exit(255);
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  char path[300];
  snprintf(path, sizeof path, "/run/netns/%s", name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "Cannot open network namespace \"%s\": %s\n", name, strerror(errno));
    _exit(255);
  }
  if (setns(fd, CLONE_NEWNET) < 0) {
    fprintf(stderr, "setting the network namespace \"%s\" failed: %s\n", name, strerror(errno));
    _exit(255);
  }
  if (prime >= 0) prime_job(input, len, prime_batch, prime);
  char *argv[5];
  int k = 0;
  argv[k++] = (char *)tool;
  if (force) argv[k++] = "-force";
  argv[k++] = "-batch";
  argv[k++] = "-";
  argv[k] = NULL;
  /*
   * Why a PATH lookup of a fixed name is safe here: TOOL is one of three
   * words checked by the parent, and PATH is root's own environment (the
   * helper starts with a cleared one) — the same lookup `read` makes for ip
   * and the fan-out makes for every tool.
   */
  execvp(tool, argv);
  fprintf(stderr, "nsread: cannot run %s: %s\n", tool, strerror(errno));
  _exit(127);
}

/* Starts one job; 1 when it runs, 0 when it was answered at once. */
static int start(wjob_t *j, const char *tool, int force, int prime, const char *input, size_t len) {
  int in = memfd_create("nsread-in", MFD_CLOEXEC);
  j->out = memfd_create("nsread-out", MFD_CLOEXEC);
  j->err = memfd_create("nsread-err", MFD_CLOEXEC);
  j->prime = prime ? memfd_create("nsread-prime", MFD_CLOEXEC) : -1;
  int ok = in >= 0 && j->out >= 0 && j->err >= 0 && (!prime || j->prime >= 0);
  for (size_t w = 0; ok && w < len;) {
    ssize_t n = write(in, input + w, len - w);
    if (n < 0 && errno != EINTR) ok = 0;
    else if (n > 0) w += (size_t)n;
  }
  if (ok && lseek(in, 0, SEEK_SET) < 0) ok = 0;
  if (ok) {
    j->pid = fork();
    if (j->pid == 0) child(j->name, tool, force, in, j->out, j->err, input, len, j->prime);
    ok = j->pid > 0;
  }
  int e = errno;
  if (in >= 0) close(in);
  if (ok) return 1;
  if (j->out >= 0) close(j->out);
  if (j->err >= 0) close(j->err);
  if (j->prime >= 0) close(j->prime);
  char why[128];
  snprintf(why, sizeof why, "cannot start %s: %s", tool, strerror(e));
  refuse(j->index, j->name, why);
  return 0;
}

/* Waits for one job to end and reports it. */
static int reap(wjob_t *jobs, int running) {
  int st = 0;
  pid_t pid = waitpid(-1, &st, 0);
  if (pid < 0) {
    if (errno == EINTR) return running;
    perror("nsread: waitpid");
    exit(2);
  }
  for (int i = 0; i < running; i++) {
    wjob_t *j = &jobs[i];
    if (j->pid != pid) continue;
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    buf_t o = {0}, e = {0}, p = {0};
    slurp(j->out, &o);
    slurp(j->err, &e);
    close(j->out);
    close(j->err);
    if (j->prime >= 0) {
      slurp(j->prime, &p);
      close(j->prime);
    }
    record(j->index, j->name, code, &o, &e, &p);
    free(o.p);
    free(e.p);
    free(p.p);
    jobs[i] = jobs[running - 1];
    return running - 1;
  }
  return running; /* not one of ours */
}

/* One NUL-ended field of stdin into *f: 1; 0 at the end of input; -1 for a field with no NUL. */
static int next_field(char **f, size_t *cap, size_t *len) {
  ssize_t n = getdelim(f, cap, 0, stdin);
  if (n <= 0) return 0;
  if ((*f)[n - 1] != 0) return -1;
  *len = (size_t)n - 1;
  return 1;
}

/** `nsread run MAXJOBS [--prime=BATCH]`; see the comment at the top. */
int run_mode(int max, const char *prime) {
  prime_batch = prime;
  if (max < 1) max = 1;
  if (max > RUN_MAX_JOBS) max = RUN_MAX_JOBS;
  signal(SIGPIPE, SIG_IGN);
  setenv("LC_ALL", "C", 1);
  static wjob_t jobs[RUN_MAX_JOBS];
  int running = 0, status = 0;
  char *f[4] = {0};
  size_t cap[4] = {0}, len[4] = {0};
  for (long index = 0;; index++) {
    int got = 0, r = 1;
    while (got < 4 && (r = next_field(&f[got], &cap[got], &len[got])) == 1) got++;
    if (got == 0 && r == 0) break;
    if (got < 4) {
      fputs("nsread run: the input ended inside a job (4 NUL-ended fields each)\n", stderr);
      status = 2;
      break;
    }
    while (running >= max) running = reap(jobs, running);
    wjob_t *j = &jobs[running];
    j->index = index;
    snprintf(j->name, sizeof j->name, "%s", f[0]);
    /* Why: the name becomes a path under /run/netns; "..", "/" or an option-like name must never reach it. */
    if (len[0] != strlen(f[0]) || !valid_name(f[0])) {
      refuse(index, j->name, "not a valid namespace name");
      continue;
    }
    /* Why: root runs this; only the three iproute2 tools the executor batches may be started. */
    const char *tool = f[1];
    if (strcmp(tool, "ip") != 0 && strcmp(tool, "tc") != 0 && strcmp(tool, "bridge") != 0) {
      refuse(index, j->name, "refusing to run a tool other than ip, tc or bridge");
      continue;
    }
    int force = strcmp(f[2], "force") == 0, primed = strcmp(f[2], "prime") == 0;
    if (f[2][0] && !force && !primed) {
      refuse(index, j->name, "unknown flags (only \"force\" or \"prime\")");
      continue;
    }
    /* Why: only ip runs the read, and only when the caller said what to read. */
    if (primed && (!prime_batch || strcmp(tool, "ip") != 0)) {
      refuse(index, j->name, "\"prime\" needs --prime=BATCH and the tool ip");
      continue;
    }
    if (start(j, tool, force, primed, f[3], len[3])) running++;
  }
  while (running > 0) running = reap(jobs, running);
  for (int i = 0; i < 4; i++) free(f[i]);
  if (fflush(stdout) != 0) return 1;
  return status;
}
