/* Shared between nsread.c (jobs, output) and nsread-fp.c (fingerprints). */
#ifndef NETPLUMB_NSREAD_H
#define NETPLUMB_NSREAD_H
#include <stddef.h>
#include <sys/types.h>
/* A growable byte buffer, always NUL-terminated. */
typedef struct {
  char *p;
  size_t n, cap;
} buf_t;
/* The current namespace's fingerprint as 64 hex digits (+NUL); 0 or -errno (root: + nsids, /run/netns). */
int fingerprint(char out[65], int root);
/* A non-blocking socket subscribed to the namespace's change notifications, or -1. */
int subscribe(int root);
/* subscribe(), also to IPv4 rules and neighbour entries: all the fingerprint hashes that notifications tell of. */
int subscribe_all(int root);
/* fingerprint(), also keeping each link's, address's and route's digest on this thread (seen_digests). */
int fingerprint_seen(char out[65], int root);
/*
 * True when a notification or an overrun arrived on `fd` that no
 * fingerprint is blind to (an IPv6 link-local address, a kernel IPv6
 * route are); reads all that is waiting.
 */
int changed_beyond(int fd);
/* One link's, address's or route's digest (hash_message without the length): what a notification about it is compared with. */
typedef struct {
  int type; /* RTM_GETLINK, RTM_GETADDR or RTM_GETROUTE */
  int family, index;
  unsigned char d[32];
  /* A link's: a hash of its name (IFLA_IFNAME); 0 for any other object. What a read of the root's changed links compares (nsread.c). */
  unsigned long long name;
} object_digest;
/* What the last fingerprint_seen() on this thread recorded: its digests (returned, *n of them; pinned neighbour entries by key) and *pinned: 0 no pinned neighbour entry, 1 some (each keyed), 2 some not keyed. */
const object_digest *seen_digests(size_t *n, int *pinned);
/* True when the last fingerprint_seen() on this thread recorded every link, address and route it hashed (none lost for memory). */
int seen_whole(void);
/*
 * True when the fingerprint taken with `d` (n digests, `pinned` neighbour
 * entries) is blind to notification m: m cannot be about a change of
 * anything that fingerprint hashed (nsread-watch.c keeps namespaces by it,
 * with no dump at all, and reads are proven by it: quiet_since_fp).
 */
int kept_blind(const void *m, const object_digest *d, size_t n, int pinned);
/*
 * True when nothing that came on fd (subscribe_all, made before the
 * fingerprint that recorded d: n digests, `pinned` neighbour entries) can
 * be a change of what it hashed (kept_blind); reads all that is waiting.
 */
int quiet_since_fp(int fd, const object_digest *d, size_t n, int pinned);
/* The root's id for the namespace open at nsfd on the root socket nl (-1: none), or -errno. */
int nsid_of(int nl, int nsfd);
/*
 * Kept namespaces (nsread-watch.c): in serve mode, what a namespace's last
 * fingerprint was, kept with every change notification since, so that an
 * unchanged namespace is known without a dump.
 */
/* Server: starts watching (before any request); 0, or -1 when it cannot (nothing is kept then). */
int watch_init(void);
/* Server: the socket to poll, or -1. */
int watch_fd(void);
/* Server: takes in every waiting notification (and judges the kept namespaces by them). */
void watch_drain(void);
/* Server, before a request's child: a fresh log, and the memory file the child writes what it fingerprinted to (-1: none). */
int watch_begin(void);
/* Server, after the child: keeps what it fingerprinted (judged by the notifications since), and closes the file. */
void watch_end(int fd);
/* Child: prepares its kept-namespace lookups (in its own namespace, before its threads); 1 when kept namespaces are in use. */
int watch_child_init(void);
/* watch_mark's nsfd for the root (nsread's own namespace), which is kept by its own rule (nsread-watch.c). */
#define WATCH_ROOT (-2)
/* The calling thread's namespace (open at nsfd; -1: found here; WATCH_ROOT): where its fingerprint stands; taken before the dump. */
typedef struct {
  unsigned long long cookie, seq;
  int nsid, ok, nsfd;
} watch_mark_t;
void watch_mark(int nsfd, watch_mark_t *m);
/* The fingerprint kept for the namespace `m` names, when nothing since can have changed it (with its link names), else NULL. */
const char *watch_kept(const watch_mark_t *m, const char **names, size_t *names_len);
/* Child: after fingerprint_seen() at mark m gave fp (with the link names, NUL-ended each): the server is to keep it. */
void watch_record(const watch_mark_t *m, const char *fp, const buf_t *names);
/* watch_record, with the digests of that fingerprint given (it may have run on another thread), and whether they are all it hashed (seen_whole). */
void watch_record_with(const watch_mark_t *m, const char *fp, const buf_t *names, const object_digest *d, size_t nd,
                       int pinned, int whole);
/*
 * Child: the digests (*n of them) of the root's last fingerprint a child
 * recorded whole, when that fingerprint is `fp`; else NULL. What a read of
 * the root compares its new fingerprint's digests with, to read only the
 * links that changed since (nsread.c start).
 */
const object_digest *watch_root_base(const char *fp, size_t *n);
/* How many of the namespaces named are kept unchanged (`nsread held --kept NAME...`: what tests look at). */
int watch_count(int n, char **names);
/* True for a name that may be looked up under /run/netns (no "/", no leading "." or "-"). */
int valid_name(const char *n);
/*
 * Starts ARGV (argv[0] looked up in PATH) in the calling thread's network
 * namespace, with IN, OUT and ERR as its stdin, stdout and stderr; its pid,
 * or -1 with errno set. TIED: the tool is killed when the calling thread
 * ends (so also when nsread is killed).
 */
int spawn_tool(char *const argv[], int in, int out, int err, int tied);
/* One invocation of nsread by its argv (argv[0] is not looked at): its exit code. */
int dispatch(int argc, char **argv);
/* `nsread serve` (nsread-serve.c): invocations requested on stdin, one after another. */
int serve_mode(void);
/* `nsread run MAXJOBS` (nsread-run.c): per-namespace `<tool> -batch -` jobs. */
int run_mode(int max, const char *prime);
/* An fd of a /proc/sys to look the calling thread's namespace's sysctls up in, the caller's to close; -1 when none (nsread-procfs.c). */
int sysctl_root(void);
/*
 * Opens (and has the server keep) the sysctl files a read asks of the namespace at nsfd, appending to
 * `out` what they hold as a read of the --always keys prints it, its links being `links` (nsread.c).
 */
void warm_sysctls(int nsfd, const char *const *paths, const int *fds, int n, const buf_t *links, buf_t *out);
/*
 * What a read of the --always keys prints for the namespace at nsfd (the calling thread's), with its
 * links `links` (each NUL-ended; NULL or empty: listed), appended to `out` (nsread.c).
 */
void always_sysctls(int nsfd, const buf_t *links, buf_t *out);
/*
 * When set on a thread, a root fingerprint there also writes to it what
 * `ip -j netns list` prints (and sets netns_list_ok when it did): the
 * root's read takes its `netns list` from the fingerprint that proves it.
 */
extern __thread buf_t *netns_list_out;
/*
 * When set on a thread, a fingerprint there also writes to it the names of
 * the namespace's links, each NUL-ended, as its link dump showed them
 * (read_sysctls then need not list /proc/sys/net/ipv4/conf and the like).
 */
extern __thread buf_t *link_names_out;
extern __thread int netns_list_ok;
/*
 * When set on a thread, a root fingerprint there (with netns_list_out)
 * also writes to it what each /run/netns entry was: its name and the
 * identity (device, inode) of the namespace file mounted there, for
 * netns_names_same.
 */
extern __thread buf_t *netns_ids_out;
/*
 * Whether /run/netns names the same namespaces, in the same order, as when
 * `ids` (netns_ids_out) was written: 1 yes, 0 no, -1 when it cannot tell (an
 * entry could not be opened then). One stat per entry.
 */
int netns_names_same(const buf_t *ids);
/* What `ip -j netns list` prints, from nsread's own namespace; 0 or -errno. */
int netns_list_json(buf_t *out);
void buf_add(buf_t *b, const char *d, size_t n);
/* Writes all of p, retrying short writes; 0, or -1 on an error. */
int write_all(int fd, const char *p, size_t n);
/* Adds the whole memory file fd, read from its start, to b. */
void slurp(int fd, buf_t *b);
/*
 * A primed `ip` job of run mode (nsread-prime.c), on a worker thread inside
 * the job's namespace: runs the write INPUT, then a read of BATCH in the same
 * ip. What the writes printed goes to OUT, ip's stderr to the file ERR (the
 * read's words cut off), the read to PRIME, and with a stable read the names
 * of the namespace's links its fingerprint saw (each NUL-ended) to LINKS
 * when not NULL; returns the job's exit code.
 */
int prime_job(const char *input, size_t len, const char *batch, int err, buf_t *out, buf_t *prime, buf_t *links);
/*
 * The current namespace's link table as JSON, in the shape `ip -j [-s] link
 * show` prints the fields netplumb's live views use (ifname, ifalias,
 * address, operstate, stats64 bytes/packets). 0 or -errno.
 */
int link_table(buf_t *out, int stats);
/*
 * Kept sysctl directories (nsread-held.c): per namespace, the fd of a
 * /proc/sys directory such as "net/ipv4", kept across requests by the server.
 */
/* The serve child's end of the socket to the server (a directory opened anew is sent there), else -1. */
extern int held_sock;
extern int held_send_only;
/* Run mode: sends what this thread has put aside for the server (nsread-held.c). */
void held_flush(void);
/* Server: raises the soft limit of open files, for the table's fds. */
void held_server_init(void);
/* A new fd (the caller closes it) of the kept directory `path` of the namespace open at nsfd, or -1. */
int held_dir(int nsfd, const char *path);
/* True when the server keeps (or this table holds) `path` of the namespace open at nsfd. */
int held_known(int nsfd, const char *path);
/* Keeps `path`'s directory fd (not taken: a copy is kept) of the namespace at nsfd: sent to the server, and with HERE kept here too. */
void held_keep(int nsfd, const char *path, int fd, int here);
/* Closes the inherited fds, keeping what is known (a child that only warms the table). */
void held_close_fds(void);
/* How many usable directory fds (FILES: file fds) this process holds (those of namespaces gone not counted); nsfd >= 0: of that namespace. */
int held_count(int nsfd, int files);
/* The longest path (relative to /proc/sys) kept, with its NUL. */
#define HELD_PATH 64
/* A namespace as the table keys it (its nsfs inode), found once for all of its keys; ok 0: none kept. */
typedef struct {
  unsigned long long dev, ino;
  int ok;
} held_ns_t;
/* Fills ns for the namespace open at nsfd (one fstat); its `ok`. */
int held_ns(int nsfd, held_ns_t *ns);
/*
 * Reads up to n bytes of the kept sysctl file `path` of ns from its start
 * (pread: the key's handler runs again): the bytes read, -1 when the read
 * failed (its table is gone: drop it), -2 when none is kept.
 */
ssize_t held_file_pread(const held_ns_t *ns, const char *path, char *buf, size_t n);
/* Forgets (and closes) the kept fd of `path` of ns: a read of it failed, its table is gone. */
void held_file_drop(const held_ns_t *ns, const char *path);
/* Keeps fd, just opened for `path` of ns: 1 when the table took it (then not to be closed), else 0. */
int held_file_keep(const held_ns_t *ns, const char *path, int fd);
/* Server: drops the entries of namespaces gone (their fds fail; without FILES, a file is looked at only when its namespace's net/ipv4 is not kept), and the dead entries. */
void held_sweep(int files);
/* Server: takes in what a child sent on `sock` (never waits); sweeps out namespaces gone. */
void held_take(int sock);
#endif
