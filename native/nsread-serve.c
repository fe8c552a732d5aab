/*
 * `nsread serve`: nsread kept running by one Node process, which asks it for
 * invocations (issue 13). Why: Node starts a process with fork(), which
 * copies the page tables of the whole Node process; on the project's 2-CPU
 * test VM that blocked Node's event loop 12 ms per start (18 ms at 300 MB),
 * and an apply starts nsread up to three times. nsread is small: forking it
 * costs under a millisecond.
 *
 * Requests (stdin), one after another:
 *   ARGC NUL, ARGC arguments each ended by NUL, INPUT_BYTES NUL, INPUT
 * Each is run as `nsread ARG...` with INPUT on its stdin would be (dispatch,
 * nsread.c), in a child forked for it, whose stdout and stderr are kept in
 * memory files. Answer (stdout), when the child has ended:
 *   EXIT NUL, STDOUT_BYTES NUL, STDERR_BYTES NUL, STDOUT, STDERR
 * EXIT as a shell reports it (128 + signal). Requests are answered in order;
 * the caller sends the next only after an answer (or starts nsread itself
 * meanwhile). Ends at the end of stdin, on a malformed request (exit 2), or
 * with its parent (the child too: none of its tools goes on changing the
 * kernel after the caller gave up on it).
 *
 * The server keeps, from one request to the next, each namespace's sysctl
 * directories that its children opened (nsread-held.c): a child sends them
 * on a socket while it runs, the server takes them in meanwhile, and the
 * next child inherits them. It also keeps the namespaces its children found
 * unchanged, watching their change notifications (nsread-watch.c): it takes
 * those in while it waits, for a request or for a child.
 *
 * The server reads stdin with read(2) only, never through stdio: a child
 * reads its own INPUT through stdio, and must not find buffered bytes of
 * the server's there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "nsread.h"

enum { MAX_ARGS = 64 };

/* The socket on which a request's child sends the sysctl directories it opened (nsread-held.c): [0] the server's. */
static int kept[2] = {-1, -1};
static char inbuf[65536];
static size_t inpos, inlen;

/* The next byte of stdin, or -1 at its end. */
static int next_byte(void) {
  if (inpos == inlen) {
    ssize_t n;
    /* While waiting for a request, the kept namespaces' notifications are taken in as they come (nsread-watch.c). */
    for (int w = watch_fd(); w >= 0;) {
      struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = w, .events = POLLIN}};
      if (poll(p, 2, -1) < 0 && errno != EINTR) break;
      if (p[1].revents) watch_drain();
      if (p[0].revents) break;
    }
    do n = read(0, inbuf, sizeof inbuf);
    while (n < 0 && errno == EINTR);
    if (n <= 0) return -1;
    inpos = 0;
    inlen = (size_t)n;
  }
  return (unsigned char)inbuf[inpos++];
}

/* One NUL-ended field into b (cleared first): 1; 0 at the end of stdin before any byte; -1 when cut. */
static int next_field(buf_t *b) {
  b->n = 0;
  buf_add(b, "", 0);
  for (int first = 1;; first = 0) {
    int c = next_byte();
    if (c < 0) return first ? 0 : -1;
    if (c == 0) return 1;
    char ch = (char)c;
    buf_add(b, &ch, 1);
  }
}

static long number(const buf_t *b) {
  char *end;
  long v = strtol(b->p, &end, 10);
  return b->n > 0 && b->n < 12 && *end == 0 && v >= 0 ? v : -1;
}

/* Runs one request in a forked child; its exit code, and what it printed in out and err. */
static int run_request(int argc, char **argv, int in, buf_t *out, buf_t *err) {
  int o = memfd_create("nsread-serve-out", MFD_CLOEXEC), e = memfd_create("nsread-serve-err", MFD_CLOEXEC);
  if (o < 0 || e < 0) {
    const char *why = "nsread serve: cannot make memory files\n";
    buf_add(err, why, strlen(why));
    if (o >= 0) close(o);
    if (e >= 0) close(e);
    return 2;
  }
  /* Taken in before the fork: the child judges the kept namespaces as they are now. */
  int rec = watch_begin();
  pid_t server = getpid(), pid = fork();
  if (pid == 0) {
    /* Why: the request dies with the server (killed by its caller at a deadline), and its tools with it. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != server) _exit(255);
    held_sock = kept[1];
    if (dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0) _exit(127);
    int code = dispatch(argc, argv);
    fflush(stdout);
    fflush(stderr);
    _exit(code);
  }
  int code;
  if (pid < 0) {
    char why[160];
    snprintf(why, sizeof why, "nsread serve: cannot fork: %s\n", strerror(errno));
    buf_add(err, why, strlen(why));
    code = 2;
  } else {
    /* The sysctl directories the child opens anew are taken in as it sends them (its socket never blocks it). */
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    while (pidfd >= 0) {
      struct pollfd p[3] = {{.fd = pidfd, .events = POLLIN},
                            {.fd = kept[0], .events = POLLIN},
                            {.fd = watch_fd(), .events = POLLIN}};
      if (poll(p, 3, -1) < 0 && errno != EINTR) break;
      if (p[1].revents & POLLIN) held_take(kept[0]);
      if (p[2].revents) watch_drain();
      if (p[0].revents) break;
    }
    if (pidfd >= 0) close(pidfd);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    held_take(kept[0]);
    code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    slurp(o, out);
    slurp(e, err);
  }
  watch_end(rec);
  close(o);
  close(e);
  return code;
}

int serve_mode(void) {
  pid_t parent = getppid();
  /* Why: a server nobody asks any more must not stay behind as root. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent || parent == 1) return 2;
  signal(SIGPIPE, SIG_IGN);
  /* Without the socket, nothing is kept from one request to the next: only slower. */
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, kept) < 0) kept[0] = kept[1] = -1;
  else held_server_init();
  /* Without it, nothing is known unchanged without a dump: only slower. */
  watch_init();
  buf_t f = {0}, out = {0}, err = {0};
  char *argv[MAX_ARGS + 2];
  for (;;) {
    int r = next_field(&f);
    if (r == 0) break;
    long argc = r > 0 ? number(&f) : -1;
    if (argc < 0 || argc > MAX_ARGS) return 2;
    argv[0] = "nsread";
    int ok = 1;
    for (long i = 1; i <= argc && ok; i++) {
      ok = next_field(&f) == 1;
      if (ok) argv[i] = strdup(f.p);
    }
    argv[argc + 1] = NULL;
    long bytes = ok && next_field(&f) == 1 ? number(&f) : -1;
    int in = bytes >= 0 ? memfd_create("nsread-serve-in", MFD_CLOEXEC) : -1;
    for (long left = bytes; in >= 0 && left > 0;) {
      if (inpos == inlen) {
        int c = next_byte(); /* refills the buffer */
        if (c < 0) {
          close(in);
          in = -1;
          break;
        }
        inpos--;
      }
      size_t k = inlen - inpos < (size_t)left ? inlen - inpos : (size_t)left;
      if (write_all(in, inbuf + inpos, k) < 0) {
        close(in);
        in = -1;
      }
      inpos += k;
      left -= (long)k;
    }
    if (in < 0 || lseek(in, 0, SEEK_SET) < 0) return 2;
    out.n = err.n = 0;
    buf_add(&out, "", 0);
    buf_add(&err, "", 0);
    /* A run child knows kept directories by key only (it closes their fds): so only live ones (files: not looked at there). */
    if (argc >= 1 && strcmp(argv[1], "run") == 0) held_sweep(0);
    int code = run_request((int)argc + 1, argv, in, &out, &err);
    close(in);
    for (long i = 1; i <= argc; i++) free(argv[i]);
    char head[64];
    int n = snprintf(head, sizeof head, "%d%c%zu%c%zu%c", code, 0, out.n, 0, err.n, 0);
    if (write_all(1, head, (size_t)n) < 0 || write_all(1, out.p, out.n) < 0 || write_all(1, err.p, err.n) < 0)
      return 1;
  }
  free(f.p);
  free(out.p);
  free(err.p);
  return 0;
}
