/* Shared between nsread.c (jobs, output) and nsread-fp.c (fingerprints). */
#ifndef NETPLUMB_NSREAD_H
#define NETPLUMB_NSREAD_H
#include <stddef.h>
/* The current namespace's fingerprint as 64 hex digits (+NUL); 0 or -errno (root: + nsids, /run/netns). */
int fingerprint(char out[65], int root);
/* A non-blocking socket subscribed to the namespace's change notifications, or -1. */
int subscribe(int root);
/* True when a notification or an overrun arrived on `fd`. */
int changed(int fd);
/* True for a name that may be looked up under /run/netns (no "/", no leading "." or "-"). */
int valid_name(const char *n);
/* `nsread run MAXJOBS` (nsread-run.c): per-namespace `<tool> -batch -` jobs. */
int run_mode(int max, const char *prime);
/*
 * A primed `ip` job of run mode (nsread-prime.c), in the job's child inside
 * its namespace with the job's stdout and stderr: runs the write INPUT, then
 * a read of BATCH in the same ip, whose result goes to the PRIME file; never
 * returns.
 */
void prime_job(const char *input, size_t len, const char *batch, int prime);
/* A growable byte buffer, always NUL-terminated. */
typedef struct {
  char *p;
  size_t n, cap;
} buf_t;
void buf_add(buf_t *b, const char *d, size_t n);
/*
 * The current namespace's link table as JSON, in the shape `ip -j [-s] link
 * show` prints the fields netplumb's live views use (ifname, ifalias,
 * address, operstate, stats64 bytes/packets). 0 or -errno.
 */
int link_table(buf_t *out, int stats);
#endif
