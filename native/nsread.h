/* Shared between nsread.c (jobs, output) and nsread-fp.c (fingerprints). */
#ifndef NETPLUMB_NSREAD_H
#define NETPLUMB_NSREAD_H
/* The current namespace's fingerprint as 64 hex digits (+NUL); 0 or -errno. */
int fingerprint(char out[65]);
/* A non-blocking socket subscribed to the namespace's change notifications, or -1. */
int subscribe(void);
/* True when a notification or an overrun arrived on `fd`. */
int changed(int fd);
#endif
