/*
 * A primed write job of `nsread run --prime=BATCH` (nsread-run.c): the
 * executor's `ip` batch for a namespace, then, in the same `ip` process, the
 * live reader's read of that namespace, so that an apply fills the read
 * cache (live-reader.ts) without a second process, and a second pass, per
 * namespace (issue 13: that pass was a quarter of a 200-host apply).
 *
 * Runs on the job's worker thread, already inside the namespace, with the
 * job's stderr file (ip's own stderr). It subscribes to the namespace's
 * change notifications, starts `ip -j -d -batch -` (-j and -d change only what ip prints, never
 * what a write line does) and feeds it the write lines, then MARKER, a line
 * that only prints. ip runs batch lines in order, stops at the first failure,
 * and flushes each JSON document as it ends it: a whole document on its
 * stdout (compact JSON has its only newline at the end) means every write
 * line ran. The writes set off more in the kernel after them (a veth's
 * carrier and operstate, IPv6 link-local addresses and their routes), so it
 * waits until no notification the fingerprint sees has come for QUIET_MS (at
 * most SETTLE_MS; only how often the read is stable depends on this, never
 * whether a stable read is right), then reads as `read` does (nsread.c):
 * a subscription to all the fingerprint hashes, the fingerprint, BATCH. The
 * read is stable only when no notification came since that subscription
 * that could be a change of what the fingerprint hashed (quiet_since_fp,
 * nsread-fp.c), so READ is the state FP names.
 *
 * Why MARKER is `address show dev lo`: ip keeps some state from one batch
 * line to the next (a `link show` line changes what a later `address show`
 * prints), so nothing may run before BATCH that a fresh `ip -j -d -batch -`
 * of BATCH would not itself run: this line is BATCH's own first command,
 * narrowed to lo. The write lines only change the kernel; the names ip
 * caches while running them are looked up again by BATCH's own dumps.
 * (electron/kernel/nsread-prime.int.test.ts compares primed reads with fresh
 * ones, byte for byte, over every example lab.)
 *
 * The job's record is the write part's alone: exit code and stderr up to
 * the marker (0 once the marker printed: every write line ran), stdout
 * before the marker's document. The read goes to PRIME as "S" FP "\n" READ
 * when stable, else "U\n" (never cached: the caller reads the namespace
 * again later); PRIME stays empty when the writes failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "nsread.h"

static const char MARKER[] = "address show dev lo\n";
enum { QUIET_MS = 2, SETTLE_MS = 250 };

/* Reads fd into b until it ends (1), or, with `doc`, until b ends with a newline (0). */
static int read_until(int fd, buf_t *b, int doc) {
  char chunk[65536];
  for (;;) {
    if (doc && b->n > 0 && b->p[b->n - 1] == '\n') return 0;
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return 1;
    buf_add(b, chunk, (size_t)n);
  }
}

static int exit_code(pid_t pid) {
  int st = 0;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return 127;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/*
 * Drains `sub` until it has been quiet for QUIET_MS, at most about SETTLE_MS
 * in all. Quiet: nothing the fingerprint sees (changed_beyond) — a link coming
 * up sends its IPv6 link-local address and routes for a second or two, and
 * those are not waited for.
 */
static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static void settle(int sub) {
  long start = now_ms(), last = start;
  for (long t = start; t - start < SETTLE_MS && t - last < QUIET_MS; t = now_ms()) {
    struct pollfd p = {.fd = sub, .events = POLLIN};
    int r = poll(&p, 1, (int)(QUIET_MS - (t - last)));
    if (r < 0 && errno != EINTR) return;
    /* Messages, or an overrun reported once: not quiet yet, unless the fingerprint is blind to all of them. */
    if (r > 0 && changed_beyond(sub)) last = now_ms();
  }
}

/* The line of ip's "Command failed -:N" (it stops at the first) in the memory file fd, or 0. */
static long failed_line(int fd, off_t from) {
  buf_t b = {0};
  char chunk[65536];
  for (ssize_t n; (n = pread(fd, chunk, sizeof chunk, from)) > 0; from += n) buf_add(&b, chunk, (size_t)n);
  char *m = b.p ? strstr(b.p, "Command failed -:") : NULL;
  long line = m ? atol(m + 17) : 0;
  free(b.p);
  return line;
}

/* True when `doc` is one whole document of `address show dev lo`: what the marker prints. */
static int marker_doc(const char *doc, size_t n) {
  return n >= 3 && doc[0] == '[' && doc[n - 2] == ']' && doc[n - 1] == '\n' &&
         memmem(doc, n, "\"ifname\":\"lo\"", 13) != NULL;
}

/*
 * The job once ip runs: feeds it the writes and the marker on IN (closed
 * here), waits for the namespace to settle, reads, and reaps ip (PID).
 * Returns the job's exit code; OUT gets what the writes printed, PRIME the
 * read ("S" FP "\n" READ when stable, else "U\n"; nothing when the writes
 * failed).
 */
static int prime_io(pid_t pid, int in, int o, int sub, const char *input, size_t len, const char *batch,
                    int err, buf_t *out, buf_t *prime, buf_t *links) {
  /* The write lines print nothing: ip takes them all, as it runs them, before it prints the marker's document. */
  int fed = write_all(in, input, len) == 0 && (len == 0 || input[len - 1] == '\n' || write_all(in, "\n", 1) == 0) &&
            write_all(in, MARKER, sizeof MARKER - 1) == 0;
  buf_t w = {0}, r = {0};
  if (!fed || read_until(o, &w, 1)) {
    /* A write line failed (ip stopped there) or ip could not run: its own words and exit code, no read. */
    if (fed) read_until(o, &w, 0);
    buf_add(out, w.p ? w.p : "", w.n);
    close(in);
    free(w.p);
    return exit_code(pid);
  }
  /* What the writes printed, without the marker's document (the last line). */
  size_t keep = w.n - 1;
  while (keep > 0 && w.p[keep - 1] != '\n') keep--;
  int marked = marker_doc(w.p + keep, w.n - keep);
  buf_add(out, w.p, marked ? keep : w.n);
  free(w.p);
  long lines_in = 0;
  for (size_t i = 0; i < len; i++) lines_in += input[i] == '\n';
  if (len > 0 && input[len - 1] != '\n') lines_in++;
  /* When marked, every write line ran: ip's words from here on are about the read, not the job's. */
  off_t errlen = lseek(err, 0, SEEK_END);
  char before[65] = "";
  if (sub >= 0) settle(sub);
  /*
   * The proof of the read (as nsread.c finish): a subscription to all the
   * fingerprint hashes, made before it, and no notification after it that
   * could be a change of what it hashed. Marked before the fingerprint: the
   * server may keep the namespace from there (nsread-watch.c).
   */
  int quiet = sub >= 0 ? subscribe_all(0) : -1;
  watch_mark_t wm;
  watch_mark(-1, &wm);
  buf_t names = {0};
  link_names_out = &names;
  if (quiet < 0 || fingerprint_seen(before, 0) != 0) before[0] = 0;
  link_names_out = NULL;
  int sent = write_all(in, batch, strlen(batch)) == 0;
  close(in);
  read_until(o, &r, 0);
  int code = exit_code(pid);
  if (code != 0) {
    long bad = failed_line(err, 0);
    /*
     * Why: unless the marker's own document came back, a line a write
     * printed was taken for it, and the writes may not all have run: a failed
     * ip is then the job's failure, reported in ip's own words and exit code.
     */
    if (!marked || (bad > 0 && bad <= lines_in + 1)) {
      free(r.p);
      free(names.p);
      if (quiet >= 0) close(quiet);
      return code;
    }
  }
  /* One document per line of BATCH, no more and no fewer. */
  size_t docs = 0, lines = 0;
  for (size_t i = 0; i < r.n; i++) docs += r.p[i] == '\n';
  for (const char *c = batch; *c; c++) lines += *c == '\n';
  int stable = marked && sent && code == 0 && docs == lines && before[0];
  if (stable) {
    size_t nd;
    int pinned;
    const object_digest *d = seen_digests(&nd, &pinned);
    stable = quiet_since_fp(quiet, d, nd, pinned);
    if (stable) watch_record(&wm, before, &names);
  }
  /* The link names of a stable read: its sysctls are read in the order a read after it names them. */
  if (stable && links) {
    buf_add(links, names.p ? names.p : "", names.n);
  }
  free(names.p);
  if (quiet >= 0) close(quiet);
  if (marked && errlen >= 0 && ftruncate(err, errlen) != 0) {
    /* a memfd can always be shortened; were it not, the read's words would only follow the job's */
  }
  if (stable) {
    buf_add(prime, "S", 1);
    buf_add(prime, before, 64);
    buf_add(prime, "\n", 1);
    buf_add(prime, r.p ? r.p : "", r.n);
  } else buf_add(prime, "U\n", 2);
  free(r.p);
  return 0;
}

int prime_job(const char *input, size_t len, const char *batch, int err, buf_t *out, buf_t *prime, buf_t *links) {
  int in[2], o[2];
  /* Subscribed before the writes: what they set off in the kernel is waited for. */
  int sub = subscribe(0);
  if (pipe2(in, O_CLOEXEC)) {
    dprintf(err, "nsread: cannot make pipes: %s\n", strerror(errno));
    if (sub >= 0) close(sub);
    return 127;
  }
  if (pipe2(o, O_CLOEXEC)) {
    dprintf(err, "nsread: cannot make pipes: %s\n", strerror(errno));
    close(in[0]);
    close(in[1]);
    if (sub >= 0) close(sub);
    return 127;
  }
  char *argv[] = {"ip", "-j", "-d", "-batch", "-", NULL};
  pid_t pid = spawn_tool(argv, in[0], o[1], err, 1);
  int e = errno;
  close(in[0]);
  close(o[1]);
  if (pid < 0) {
    dprintf(err, "nsread: cannot start ip: %s\n", strerror(e));
    close(in[1]);
    close(o[0]);
    if (sub >= 0) close(sub);
    return 127;
  }
  int code = prime_io(pid, in[1], o[0], sub, input, len, batch, err, out, prime, links);
  close(o[0]);
  if (sub >= 0) close(sub);
  return code;
}
