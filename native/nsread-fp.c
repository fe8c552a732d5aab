/*
 * The fingerprint of a network namespace (see nsread.c): SHA-256 of its
 * rtnetlink dumps — links (with details), bridge ports with their VLANs,
 * addresses, IPv4 and IPv6 routes of every table, qdiscs, IPv4 policy
 * rules, permanent neighbour entries — with the
 * attributes that change by themselves left out: counters (IFLA_STATS*,
 * carrier counts, TCA_STATS, STATS2, XSTATS, a bridge's learnt addresses and
 * its ports' multicast groups), timers (bridge and bridge-port STP and
 * gc timers) and timestamps (IFA_CACHEINFO, RTA_CACHEINFO/EXPIRES, IPv6
 * device cacheinfo). What is left out is a fixed list: an attribute not
 * named here is hashed, so it can only make two fingerprints differ.
 *
 * Also left out: what the kernel changes by itself after a link comes up,
 * for up to a second or two after the writes that brought it up:
 * - the end of IPv6 duplicate address detection: an address's tentative
 *   (and optimistic) flag, the local and anycast routes the kernel then adds
 *   to table local, and the device's "router solicitation sent" flag;
 * - carrier: a link's lower-up, running and dormant flags, its operstate and
 *   carrier attributes, a bridge port's forwarding state, the IPv6 device's
 *   "ready" flag, and the "linkdown" flag of the routes through it;
 * - what IPv6 adds once a link has carrier: its link-local addresses
 *   (fe80::/10) and the kernel's IPv6 routes for link-local and multicast
 *   destinations.
 * netplumb's state has none of them (live-parse.ts reads a link's admin "UP"
 * flag only, no operstate, port state or address flags, no IPv6 link-local
 * address, and only the static routes of table main), so a read taken while
 * they settle is still the lab's state after, and the cache keeps serving it
 * (electron/kernel/fingerprint-blind.test.ts checks that on the parser). A
 * failed DAD (the dadfailed flag) and a link's admin state are still hashed,
 * and so is an IPv6 address past DAD whose local route is missing (deleted
 * by hand): the route's arrival is left out, its absence afterwards is not.
 *
 * The same rule judges the change notifications that arrive while a read
 * runs (quiet_since_fp, with kept_blind; changed_beyond while an apply's
 * writes settle): one about something left out whole, or one showing a link,
 * address or route as the fingerprint saw it but for what is left out,
 * cannot have made the read differ from that fingerprint's state, so it
 * does not make the read unstable. Without that, a read taken in the second
 * or two after links came up (the root's, with one veth end per host) was
 * never stable, so never cached.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if_addr.h>
#include <linux/net_namespace.h>
#include <linux/fib_rules.h>
#include <linux/neighbour.h>

#include "nsread.h"
#include "sha256.h"

/* ---- fingerprint: dumps with the changing attributes stripped ---- */

/* Attributes of a link message that change on their own: counters, and carrier (see the top). */
static int link_attr_skipped(int type) {
  return type == IFLA_STATS || type == IFLA_STATS64 || type == IFLA_CARRIER_CHANGES ||
         type == IFLA_CARRIER_UP_COUNT || type == IFLA_CARRIER_DOWN_COUNT || type == IFLA_OPERSTATE ||
         type == IFLA_CARRIER;
}

/* A link's flags that follow its carrier (include/uapi/linux/if.h: IFF_RUNNING, IFF_LOWER_UP, IFF_DORMANT). */
#define CARRIER_LINK_FLAGS (0x40u | 0x10000u | 0x20000u)

/* Per thread: fingerprints are taken on several threads at once (nsread.c). */
static __thread unsigned seq;
static __thread int dump_family;
/* The link being hashed is a bridge's port (its IFLA_INFO_SLAVE_KIND is "bridge"). */
static __thread int bridge_slave;
/* The link being hashed is up and running (IFF_UP, and IFF_RUNNING: operstate up): where a port's state means something. */
static __thread int link_running;

/* Hashes a run of attributes, leaving out `skip(path, type)` ones, descending into known nests. */
static void hash_attrs(sha256_ctx *h, const char *data, int len, int nest);

/* Counters newer than the build's headers may name (include/uapi/linux/if_link.h, Linux 6.3 and 6.8). */
#define BRPORT_MCAST_N_GROUPS 41 /* IFLA_BRPORT_MCAST_N_GROUPS */
#define BR_FDB_N_LEARNED 48      /* IFLA_BR_FDB_N_LEARNED */

/* Nest ids (what a nested attribute belongs to). */
enum { N_LINK, N_LINKINFO, N_INFO_DATA, N_INFO_SLAVE, N_AFSPEC, N_AFSPEC_INET6, N_BRPORT, N_ADDR, N_ROUTE, N_QDISC, N_NEIGH, N_OTHER };

static int skipped(int nest, int type) {
  switch (nest) {
  case N_LINK: return link_attr_skipped(type);
  /*
   * bridge: hello, tcn, topology change and gc timers; the multicast querier
   * it has heard (learnt from traffic, with its own timer); the count of
   * learnt addresses
   */
  case N_INFO_DATA:
    return type == IFLA_BR_HELLO_TIMER || type == IFLA_BR_TCN_TIMER ||
           type == IFLA_BR_TOPOLOGY_CHANGE_TIMER || type == IFLA_BR_GC_TIMER ||
           type == IFLA_BR_MCAST_QUERIER_STATE || type == BR_FDB_N_LEARNED;
  /*
   * bridge port: message age, forward delay and hold timers; its state
   * (forwarding, disabled: carrier, STP), but see port_state_hashed; the counts
   * of multicast hosts and groups that snooping has learnt on it
   */
  case N_INFO_SLAVE:
    if (!bridge_slave) return 0;
    /* fall through */
  case N_BRPORT:
    return type == IFLA_BRPORT_MESSAGE_AGE_TIMER || type == IFLA_BRPORT_FORWARD_DELAY_TIMER ||
           type == IFLA_BRPORT_HOLD_TIMER || type == IFLA_BRPORT_STATE ||
           type == IFLA_BRPORT_MCAST_EHT_HOSTS_CNT || type == BRPORT_MCAST_N_GROUPS;
  /* IPv6 per-device: stats, cacheinfo (timestamps, a re-randomised reachable time), icmp6 stats */
  case N_AFSPEC_INET6:
    return type == IFLA_INET6_STATS || type == IFLA_INET6_CACHEINFO || type == IFLA_INET6_ICMP6STATS;
  case N_ADDR: return type == IFA_CACHEINFO;
  case N_ROUTE: return type == RTA_CACHEINFO || type == RTA_EXPIRES;
  case N_QDISC: return type == 3 /* TCA_STATS */ || type == 4 /* TCA_XSTATS */ || type == 7 /* TCA_STATS2 */;
  /* a permanent neighbour entry: its use timestamps and probe count */
  case N_NEIGH: return type == NDA_CACHEINFO || type == NDA_PROBES;
  default: return 0;
  }
}

/*
 * A bridge port's state is hashed only when the port is up, running and not
 * forwarding: then it was set by hand, or STP holds it (live-parse.ts reads
 * it only then). Forwarding, or disabled for want of carrier, follows
 * carrier by itself and stays out.
 */
static int port_state_hashed(const char *payload, int plen) {
  return link_running && plen >= 1 && (unsigned char)payload[0] != 3 /* BR_STATE_FORWARDING */;
}

/* Address flags that only say IPv6 DAD has not ended yet (see the top). */
#define DAD_ADDR_FLAGS (IFA_F_TENTATIVE | IFA_F_OPTIMISTIC)
/* include/net/if_inet6.h IF_RS_SENT and IF_READY (the device has carrier): not in the uapi headers. */
#define IF_RS_SENT_FLAG 0x10u
#define IF_READY_FLAG 0x80000000u

/* The bits of a u32 flags attribute that are left out (0: hashed whole). */
static uint32_t blind_flags(int nest, int type) {
  if (nest == N_ADDR && type == IFA_FLAGS) return DAD_ADDR_FLAGS;
  if (nest == N_AFSPEC_INET6 && type == IFLA_INET6_FLAGS) return IF_RS_SENT_FLAG | IF_READY_FLAG;
  return 0;
}

/* True for an IPv6 address in fe80::/10. */
static int v6_link_local(const unsigned char *a) { return a[0] == 0xfe && (a[1] & 0xc0) == 0x80; }

/*
 * A route the kernel adds by itself after a link comes up (see the top):
 * IPv6, protocol kernel, and in table local for DAD's local and anycast
 * addresses, or to a link-local or multicast destination. Left out.
 */
static int kernel_route(const struct rtmsg *r, const char *attrs, int len) {
  if (r->rtm_family != AF_INET6 || r->rtm_protocol != RTPROT_KERNEL) return 0;
  if (r->rtm_table == RT_TABLE_LOCAL && (r->rtm_type == RTN_LOCAL || r->rtm_type == RTN_ANYCAST)) return 1;
  if (r->rtm_type == RTN_MULTICAST) return 1;
  for (const struct nlattr *a = (const struct nlattr *)attrs;
       len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
       len -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len)))
    if ((a->nla_type & NLA_TYPE_MASK) == RTA_DST && a->nla_len >= NLA_HDRLEN + 16)
      return r->rtm_dst_len >= 10 && v6_link_local((const unsigned char *)a + NLA_HDRLEN);
  return 0;
}

/*
 * A permanent neighbour entry, or a noarp one whose link-layer address is unicast (first octet
 * even) and not all zeros (the kernel's noarp entries: multicast, broadcast, and those on the
 * loopback, whose address is zero).
 */
static int pinned_neigh(const struct ndmsg *m, const char *attrs, int len) {
  if (m->ndm_state & NUD_PERMANENT) return 1;
  if (!(m->ndm_state & NUD_NOARP)) return 0;
  for (const struct nlattr *a = (const struct nlattr *)attrs;
       len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
       len -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len)))
    if ((a->nla_type & NLA_TYPE_MASK) == NDA_LLADDR && a->nla_len > NLA_HDRLEN) {
      const unsigned char *mac = (const unsigned char *)a + NLA_HDRLEN;
      int zero = 1;
      for (int i = 0; i < a->nla_len - NLA_HDRLEN; i++) zero &= mac[i] == 0;
      return !zero && !(mac[0] & 1);
    }
  return 0;
}

/* The address of an IPv6 address message as `ip` shows it (IFA_LOCAL, else IFA_ADDRESS), or NULL. */
static const unsigned char *v6_address_of(const char *attrs, int len) {
  const unsigned char *local = NULL, *address = NULL;
  for (const struct nlattr *a = (const struct nlattr *)attrs;
       len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
       len -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len))) {
    int t = a->nla_type & NLA_TYPE_MASK;
    if (a->nla_len < NLA_HDRLEN + 16) continue;
    if (t == IFA_LOCAL) local = (const unsigned char *)a + NLA_HDRLEN;
    if (t == IFA_ADDRESS) address = (const unsigned char *)a + NLA_HDRLEN;
  }
  return local ? local : address;
}

/* An IPv6 link-local address (what `ip` prints as its "local"). Left out. */
static int link_local_address(const struct ifaddrmsg *m, const char *attrs, int len) {
  if (m->ifa_family != AF_INET6) return 0;
  const unsigned char *shown = v6_address_of(attrs, len);
  return shown && v6_link_local(shown);
}

/* Which nest an attribute opens, or -1 when it is hashed as bytes. */
static int nest_of(int nest, int type) {
  if (nest == N_LINK && type == IFLA_LINKINFO) return N_LINKINFO;
  /* In AF_BRIDGE messages IFLA_AF_SPEC holds VLAN entries: hashed whole. */
  if (nest == N_LINK && type == IFLA_AF_SPEC && dump_family != AF_BRIDGE) return N_AFSPEC;
  if (nest == N_LINK && type == IFLA_PROTINFO) return N_BRPORT;
  if (nest == N_LINKINFO && type == IFLA_INFO_DATA) return N_INFO_DATA;
  if (nest == N_LINKINFO && type == IFLA_INFO_SLAVE_DATA) return N_INFO_SLAVE;
  if (nest == N_AFSPEC && type == 10 /* AF_INET6 */) return N_AFSPEC_INET6;
  return -1;
}

static void hash_attrs(sha256_ctx *h, const char *data, int len, int nest) {
  while (len >= (int)sizeof(struct nlattr)) {
    const struct nlattr *a = (const struct nlattr *)data;
    int alen = a->nla_len;
    if (alen < (int)sizeof(struct nlattr) || alen > len) {
      /* Malformed: hash the rest as bytes (never drop data). */
      sha256_update(h, data, len);
      return;
    }
    int type = a->nla_type & NLA_TYPE_MASK;
    int port_state = type == IFLA_BRPORT_STATE && (nest == N_BRPORT || (nest == N_INFO_SLAVE && bridge_slave));
    if (port_state ? port_state_hashed(data + NLA_HDRLEN, alen - NLA_HDRLEN) : !skipped(nest, type)) {
      uint32_t head[2] = {(uint32_t)type, (uint32_t)alen};
      sha256_update(h, head, sizeof head);
      int sub = nest_of(nest, type);
      const char *payload = data + NLA_HDRLEN;
      int plen = alen - NLA_HDRLEN;
      uint32_t mask = blind_flags(nest, type);
      if (nest == N_LINKINFO && type == IFLA_INFO_SLAVE_KIND)
        bridge_slave = plen >= 7 && memcmp(payload, "bridge", 7) == 0;
      if (mask && plen == 4) {
        uint32_t v;
        memcpy(&v, payload, 4);
        v &= ~mask;
        sha256_update(h, &v, 4);
      } else if (sub >= 0) {
        uint32_t mark = 0xfeed0000u | (uint32_t)sub;
        sha256_update(h, &mark, sizeof mark);
        hash_attrs(h, payload, plen, sub);
      } else {
        sha256_update(h, payload, plen);
      }
    }
    int step = NLA_ALIGN(alen);
    data += step;
    len -= step;
  }
}


/* The fixed header size of a message of request `type` (an RTM_GET type, or the matching new or del type). */
static size_t header_size(int type) {
  switch (type) {
  case RTM_GETLINK: case RTM_NEWLINK: case RTM_DELLINK: return sizeof(struct ifinfomsg);
  case RTM_GETROUTE: case RTM_NEWROUTE: case RTM_DELROUTE: return sizeof(struct rtmsg);
  case RTM_GETADDR: case RTM_NEWADDR: case RTM_DELADDR: return sizeof(struct ifaddrmsg);
  case RTM_GETNSID: return sizeof(struct rtgenmsg);
  case RTM_GETRULE: return sizeof(struct fib_rule_hdr);
  case RTM_GETNEIGH: return sizeof(struct ndmsg);
  default: return sizeof(struct tcmsg);
  }
}

/*
 * Hashes one message of a dump of `type` (RTM_GET*) into h, with what
 * changes by itself left out (see the top); `with_len` also hashes the
 * message's type and length (the fingerprint does; a digest of one object,
 * compared with a notification's, does not). Returns 0 when the whole
 * message is left out (nothing hashed), 1 when hashed, -EPROTO when short.
 */
static int hash_message(sha256_ctx *h, int type, const struct nlmsghdr *m, int with_len) {
  size_t hdr = header_size(type);
  const char *body = NLMSG_DATA(m);
  int blen = (int)m->nlmsg_len - NLMSG_HDRLEN;
  if (blen < (int)hdr) return -EPROTO;
  char fixed[sizeof(struct ifinfomsg) + sizeof(struct rtmsg) + sizeof(struct tcmsg)];
  memcpy(fixed, body, hdr);
  int nest = N_OTHER;
  const char *attrs = body + NLMSG_ALIGN(hdr);
  int alen = blen - (int)NLMSG_ALIGN(hdr);
  if (type == RTM_GETLINK) {
    nest = N_LINK;
    bridge_slave = 0;
    unsigned flags = ((struct ifinfomsg *)fixed)->ifi_flags;
    link_running = (flags & 0x1u /* IFF_UP */) && (flags & 0x40u /* IFF_RUNNING */);
    ((struct ifinfomsg *)fixed)->ifi_change = 0;
    ((struct ifinfomsg *)fixed)->ifi_flags &= ~CARRIER_LINK_FLAGS;
  } else if (type == RTM_GETADDR) {
    if (link_local_address((const struct ifaddrmsg *)fixed, attrs, alen)) return 0;
    nest = N_ADDR;
    ((struct ifaddrmsg *)fixed)->ifa_flags &= (unsigned char)~DAD_ADDR_FLAGS;
  } else if (type == RTM_GETROUTE) {
    if (kernel_route((const struct rtmsg *)fixed, attrs, alen)) return 0;
    nest = N_ROUTE;
    ((struct rtmsg *)fixed)->rtm_flags &= ~(unsigned)RTNH_F_LINKDOWN;
  } else if (type == RTM_GETNEIGH) {
    /*
     * Only permanent entries, and noarp ones to a unicast link-layer address (made by hand:
     * the kernel's noarp entries are for multicast and broadcast): the rest come and go with
     * traffic (live-parse.ts reads only those).
     */
    if (!pinned_neigh((const struct ndmsg *)fixed, attrs, alen)) return 0;
    nest = N_NEIGH;
  } else if (type == RTM_GETQDISC) {
    nest = N_QDISC;
    ((struct tcmsg *)fixed)->tcm_info = 0; /* a qdisc's reference count */
  }
  if (with_len) {
    uint32_t mh[2] = {m->nlmsg_type, (uint32_t)blen};
    sha256_update(h, mh, sizeof mh);
  }
  sha256_update(h, fixed, hdr);
  hash_attrs(h, attrs, alen, nest);
  return 1;
}

/* True when the fingerprint leaves the message out whole (see hash_message). */
static int hash_message_skips(int type, const struct nlmsghdr *m) {
  sha256_ctx none;
  sha256_init(&none);
  return hash_message(&none, type, m, 0) == 0;
}

/*
 * IPv6 addresses past DAD (neither tentative nor failed; not link-local) seen
 * by the address dump, and whether the route dumps then showed the kernel's
 * local route for each. The kernel adds that route when DAD ends, so its
 * presence is left out of the fingerprint (kernel_route) but its absence for
 * an address past DAD is hashed (hash_missing_local): deleted by hand, the
 * namespace no longer takes packets sent to that address.
 */
typedef struct {
  unsigned char a[16];
  int has_local;
} settled_v6;
static __thread settled_v6 *settled;
static __thread size_t nsettled, capsettled;

/* Records an IPv6 address past DAD from the address dump. */
static void note_settled(const struct nlmsghdr *m) {
  const struct ifaddrmsg *ifa = NLMSG_DATA(m);
  int len = (int)m->nlmsg_len - NLMSG_LENGTH(sizeof *ifa);
  if (ifa->ifa_family != AF_INET6 || len < 0) return;
  const char *attrs = (const char *)ifa + NLMSG_ALIGN(sizeof *ifa);
  uint32_t flags = ifa->ifa_flags;
  int l = len;
  for (const struct nlattr *a = (const struct nlattr *)attrs;
       l >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= l;
       l -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len)))
    if ((a->nla_type & NLA_TYPE_MASK) == IFA_FLAGS && a->nla_len >= NLA_HDRLEN + 4)
      memcpy(&flags, (const char *)a + NLA_HDRLEN, 4);
  if (flags & (IFA_F_TENTATIVE | IFA_F_OPTIMISTIC | IFA_F_DADFAILED)) return;
  const unsigned char *addr = v6_address_of(attrs, len);
  if (!addr || v6_link_local(addr)) return;
  if (nsettled == capsettled) {
    size_t c = capsettled ? 2 * capsettled : 16;
    settled_v6 *p = realloc(settled, c * sizeof *p);
    if (!p) return; /* not recorded: its local route is then not looked for */
    settled = p;
    capsettled = c;
  }
  memcpy(settled[nsettled].a, addr, 16);
  settled[nsettled++].has_local = 0;
}

/* Marks the address a kernel IPv6 local route (table local, protocol kernel) is for. */
static void note_local_route(const struct nlmsghdr *m) {
  const struct rtmsg *r = NLMSG_DATA(m);
  if (r->rtm_family != AF_INET6 || r->rtm_type != RTN_LOCAL || r->rtm_table != RT_TABLE_LOCAL ||
      r->rtm_protocol != RTPROT_KERNEL || r->rtm_dst_len != 128)
    return;
  int len = (int)m->nlmsg_len - NLMSG_LENGTH(sizeof *r);
  for (const struct nlattr *a = (const struct nlattr *)((const char *)r + NLMSG_ALIGN(sizeof *r));
       len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
       len -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len)))
    if ((a->nla_type & NLA_TYPE_MASK) == RTA_DST && a->nla_len >= NLA_HDRLEN + 16)
      for (size_t i = 0; i < nsettled; i++)
        if (memcmp(settled[i].a, (const char *)a + NLA_HDRLEN, 16) == 0) settled[i].has_local = 1;
}

/* Hashes each IPv6 address past DAD that has no local route (see settled_v6). */
static void hash_missing_local(sha256_ctx *h) {
  for (size_t i = 0; i < nsettled; i++)
    if (!settled[i].has_local) {
      static const char tag[] = "no local route";
      sha256_update(h, tag, sizeof tag);
      sha256_update(h, settled[i].a, 16);
    }
}

/* The interface a link or address message is about (a route's: 0, its digest alone tells it). */
static int object_index(int type, const unsigned char *body) {
  return type == RTM_GETLINK   ? ((const struct ifinfomsg *)body)->ifi_index
         : type == RTM_GETADDR ? (int)((const struct ifaddrmsg *)body)->ifa_index
                               : 0;
}

/* FNV-1a of a link message's name (IFLA_IFNAME), never 0 (a link without one: 1). */
static unsigned long long link_name_hash(const struct nlmsghdr *m) {
  unsigned long long h = 1469598103934665603ull;
  int len = (int)m->nlmsg_len - (int)NLMSG_LENGTH(sizeof(struct ifinfomsg));
  for (struct rtattr *a = IFLA_RTA((struct ifinfomsg *)NLMSG_DATA(m)); len > 0 && RTA_OK(a, len); a = RTA_NEXT(a, len))
    if (a->rta_type == IFLA_IFNAME) {
      const unsigned char *c = RTA_DATA(a);
      for (size_t i = 0, n = strnlen(RTA_DATA(a), RTA_PAYLOAD(a)); i < n; i++) h = (h ^ c[i]) * 1099511628211ull;
      return h ? h : 1;
    }
  return 1;
}

/* The digests the last fingerprint taken with recording on this thread saw (quiet_since_fp, watch_record). */
static __thread object_digest *seen;
static __thread size_t nseen, capseen;
static __thread int recording;
/* How many neighbour entries the last fingerprint on this thread hashed (pinned_neigh); whether one's key was not recorded. */
static __thread int npinned, npinned_unkeyed;
/* Set when a digest could not be recorded (no memory): the recorded ones are then not all the fingerprint hashed. */
static __thread int seen_lost;

int seen_whole(void) { return !seen_lost; }

const object_digest *seen_digests(size_t *n, int *pinned) {
  *n = nseen;
  /* 0: no pinned neighbour entry hashed; 1: some, each with its key among the digests; 2: some without. */
  *pinned = !npinned ? 0 : npinned_unkeyed ? 2 : 1;
  return seen;
}

/* A new place among the recorded digests, or NULL when there is no memory for one. */
static object_digest *seen_slot(void) {
  if (nseen == capseen) {
    size_t c = capseen ? 2 * capseen : 64;
    object_digest *p = realloc(seen, c * sizeof *p);
    if (!p) return NULL;
    seen = p;
    capseen = c;
  }
  return &seen[nseen++];
}

static void record_object(int type, const struct nlmsghdr *m) {
  sha256_ctx one;
  sha256_init(&one);
  if (hash_message(&one, type, m, 0) != 1) return;
  object_digest *o = seen_slot();
  if (!o) {
    seen_lost = 1;
    return; /* not recorded: a notification about it then counts as a change */
  }
  o->type = type;
  const unsigned char *body = NLMSG_DATA(m);
  o->family = body[0];
  o->index = object_index(type, body);
  o->name = type == RTM_GETLINK ? link_name_hash(m) : 0;
  sha256_final(&one, o->d);
}

/*
 * The key of a neighbour entry, as a digest: for the bridge's forwarding
 * database (AF_BRIDGE), its link-layer address and VLAN (an entry may move
 * between ports); for ARP and NDP, its interface and destination. What
 * kept_blind compares a notification about an entry that is not pinned
 * with: it is a change of the pinned entries only when it is about one of
 * their keys (pinned, then replaced by one that is not). 0 when the message
 * is short.
 */
static int neigh_key(const struct nlmsghdr *m, unsigned char out[32], int *family, int *index) {
  const struct ndmsg *nd = NLMSG_DATA(m);
  int len = (int)m->nlmsg_len - NLMSG_LENGTH(sizeof *nd);
  if (len < 0) return 0;
  *family = nd->ndm_family;
  *index = nd->ndm_family == AF_BRIDGE ? 0 : nd->ndm_ifindex;
  sha256_ctx k;
  sha256_init(&k);
  sha256_update(&k, family, sizeof *family);
  sha256_update(&k, index, sizeof *index);
  for (const struct nlattr *a = (const struct nlattr *)((const char *)nd + NLMSG_ALIGN(sizeof *nd));
       len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
       len -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len))) {
    int t = a->nla_type & NLA_TYPE_MASK;
    if (t == NDA_DST || t == NDA_VLAN || (t == NDA_LLADDR && nd->ndm_family == AF_BRIDGE)) {
      uint16_t tl[2] = {(uint16_t)t, a->nla_len};
      sha256_update(&k, tl, sizeof tl);
      sha256_update(&k, (const char *)a + NLA_HDRLEN, a->nla_len - NLA_HDRLEN);
    }
  }
  sha256_final(&k, out);
  return 1;
}

/* Records the key of a pinned neighbour entry the fingerprint hashed (see neigh_key). */
static void record_neigh_key(const struct nlmsghdr *m) {
  object_digest o = {.type = RTM_GETNEIGH}, *at;
  /* Not recorded: seen_digests then says so (a notification about any entry counts as a change). */
  if (!neigh_key(m, o.d, &o.family, &o.index) || !(at = seen_slot())) {
    npinned_unkeyed = 1;
    return;
  }
  *at = o;
}

/* A neighbour notification is about the key of a pinned entry among d (n of them). */
static int pinned_key(const struct nlmsghdr *m, const object_digest *d, size_t n) {
  object_digest o;
  if (!neigh_key(m, o.d, &o.family, &o.index)) return 1;
  for (size_t i = 0; i < n; i++)
    if (d[i].type == RTM_GETNEIGH && d[i].family == o.family && d[i].index == o.index && !memcmp(d[i].d, o.d, 32))
      return 1;
  return 0;
}

__thread buf_t *link_names_out;

/* Adds the name of link message m, NUL-ended, to link_names_out. */
static void note_name(const struct nlmsghdr *m) {
  int len = (int)m->nlmsg_len - (int)NLMSG_LENGTH(sizeof(struct ifinfomsg));
  for (struct rtattr *a = IFLA_RTA((struct ifinfomsg *)NLMSG_DATA(m)); len > 0 && RTA_OK(a, len); a = RTA_NEXT(a, len))
    if (a->rta_type == IFLA_IFNAME) {
      size_t n = strnlen(RTA_DATA(a), RTA_PAYLOAD(a));
      buf_add(link_names_out, RTA_DATA(a), n);
      buf_add(link_names_out, "", 1);
      return;
    }
}

/* Sends a dump request; hashes every answer. Returns 0 or -errno. */
static int dump(int fd, sha256_ctx *h, int type, int family, int ext_mask) {
  struct {
    struct nlmsghdr n;
    union {
      struct ifinfomsg i;
      struct rtmsg r;
      struct ifaddrmsg a;
      struct tcmsg t;
    } u;
    char attrs[16];
  } req;
  memset(&req, 0, sizeof req);
  size_t hdr = header_size(type);
  req.n.nlmsg_len = NLMSG_LENGTH(hdr);
  req.n.nlmsg_type = type;
  req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.n.nlmsg_seq = ++seq;
  /* Every header starts with its family byte. */
  *(unsigned char *)&req.u = (unsigned char)family;
  if (ext_mask) {
    struct nlattr *a = (struct nlattr *)((char *)&req + NLMSG_ALIGN(req.n.nlmsg_len));
    a->nla_type = IFLA_EXT_MASK;
    a->nla_len = NLA_HDRLEN + 4;
    memcpy((char *)a + NLA_HDRLEN, &ext_mask, 4);
    req.n.nlmsg_len = NLMSG_ALIGN(req.n.nlmsg_len) + NLA_ALIGN(a->nla_len);
  }
  dump_family = family;
  if (send(fd, &req, req.n.nlmsg_len, 0) < 0) return -errno;
  uint32_t tag[2] = {(uint32_t)type, (uint32_t)family};
  sha256_update(h, tag, sizeof tag);
  enum { RB = 1 << 18 };
  static __thread char *rb;
  if (!rb && !(rb = malloc(RB))) return -ENOMEM;
  for (;;) {
    /* MSG_TRUNC: the real length, so a message cut by a short buffer is an error, never half-hashed. */
    ssize_t n = recv(fd, rb, RB, MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    if ((size_t)n > RB) return -EMSGSIZE;
    for (struct nlmsghdr *m = (struct nlmsghdr *)rb; NLMSG_OK(m, (unsigned)n); m = NLMSG_NEXT(m, n)) {
      if (m->nlmsg_seq != seq) continue;
      if (m->nlmsg_type == NLMSG_DONE) return 0;
      if (m->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(m);
        /* A family or kind this kernel lacks: nothing to hash, not a failure. */
        if (e->error == -EOPNOTSUPP || e->error == -EAFNOSUPPORT) return 0;
        return e->error ? e->error : 0;
      }
      if (m->nlmsg_flags & NLM_F_DUMP_INTR) return -EAGAIN; /* changed during the dump */
      int r = hash_message(h, type, m, 1);
      if (r < 0) return r;
      if (type == RTM_GETADDR) note_settled(m);
      if (type == RTM_GETROUTE) note_local_route(m);
      if (type == RTM_GETNEIGH && r) {
        npinned++;
        if (recording) record_neigh_key(m);
        else npinned_unkeyed = 1;
      }
      if (r && recording && (type == RTM_GETLINK || type == RTM_GETADDR || type == RTM_GETROUTE)) record_object(type, m);
      if (type == RTM_GETLINK && family == AF_UNSPEC && link_names_out) note_name(m);
    }
  }
}

/* The root's id for the namespace open at `nsfd` (-1: none), or -errno of the kernel's answer. */
int nsid_of(int nl, int nsfd) {
  struct {
    struct nlmsghdr n;
    struct rtgenmsg g;
    char pad[3];
    struct nlattr a;
    uint32_t fd;
  } req;
  memset(&req, 0, sizeof req);
  req.n.nlmsg_len = sizeof req;
  req.n.nlmsg_type = RTM_GETNSID;
  req.n.nlmsg_flags = NLM_F_REQUEST;
  req.n.nlmsg_seq = ++seq;
  req.g.rtgen_family = AF_UNSPEC;
  req.a.nla_type = NETNSA_FD;
  req.a.nla_len = NLA_HDRLEN + 4;
  req.fd = (uint32_t)nsfd;
  if (send(nl, &req, sizeof req, 0) < 0) return -errno;
  char b[512];
  for (;;) {
    ssize_t n = recv(nl, b, sizeof b, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -errno;
    }
    for (struct nlmsghdr *m = (struct nlmsghdr *)b; NLMSG_OK(m, (unsigned)n); m = NLMSG_NEXT(m, n)) {
      if (m->nlmsg_seq != seq) continue;
      if (m->nlmsg_type == NLMSG_ERROR) {
        int e = ((struct nlmsgerr *)NLMSG_DATA(m))->error;
        return e ? e : -EPROTO;
      }
      if (m->nlmsg_type != RTM_NEWNSID) return -EPROTO;
      int len = (int)m->nlmsg_len - NLMSG_LENGTH(sizeof(struct rtgenmsg));
      struct nlattr *a = (struct nlattr *)((char *)NLMSG_DATA(m) + NLMSG_ALIGN(sizeof(struct rtgenmsg)));
      for (; len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
           len -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len)))
        if ((a->nla_type & NLA_TYPE_MASK) == NETNSA_NSID && a->nla_len >= NLA_HDRLEN + 4) {
          int32_t id;
          memcpy(&id, (char *)a + NLA_HDRLEN, 4);
          return id < 0 ? -1 : id;
        }
      return -EPROTO;
    }
  }
}

__thread buf_t *netns_list_out;
__thread int netns_list_ok;
__thread buf_t *netns_ids_out;

/* An entry of netns_ids_out: its kind (one byte), its name (NUL-ended), then device and inode (two uint64_t). */
enum { IDS_NO_DIR = 'n', IDS_FILE = 'f', IDS_UNOPENED = 'u' };

static void note_identity(buf_t *ids, char kind, const char *name, const struct stat *st) {
  uint64_t di[2] = {st ? (uint64_t)st->st_dev : 0, st ? (uint64_t)st->st_ino : 0};
  buf_add(ids, &kind, 1);
  buf_add(ids, name, strlen(name) + 1);
  buf_add(ids, (const char *)di, sizeof di);
}

/* A /run/netns entry's name as iproute2's JSON writer prints a string (json_writer.c jsonw_puts). */
static void json_name(buf_t *b, const char *name) {
  buf_add(b, "\"", 1);
  for (const char *c = name; *c; c++) {
    const char *esc = *c == '\t' ? "\\t" : *c == '\n' ? "\\n" : *c == '\r' ? "\\r" : *c == '\f' ? "\\f"
                    : *c == '\b' ? "\\b" : *c == '\\' ? "\\\\" : *c == '"' ? "\\\"" : NULL;
    if (esc) buf_add(b, esc, 2);
    else if ((unsigned char)*c < 0x20) {
      /* Where iproute2 would print the byte raw (not JSON): the escape JSON has for it. */
      char u[8];
      snprintf(u, sizeof u, "\\u%04x", (unsigned char)*c);
      buf_add(b, u, 6);
    } else buf_add(b, c, 1);
  }
  buf_add(b, "\"", 1);
}

/*
 * For the root namespace, whose `netns list` prints every /run/netns entry
 * but "." and ".." (in directory order) with the id the root knows it by,
 * if any: every entry as name and id (-1 without one, -EINVAL for a stale
 * file, -errno for one that cannot be opened). Names, inodes and ids are
 * all reused after a namespace is deleted: only the pairs tell which name an
 * id stands for. With netns_list_out set, also writes there what `ip -j
 * netns list` prints for them (iproute2 ipnetns.c netns_list: nothing
 * without /run/netns). 0 or -errno.
 */
/* What listing /run/netns found (list_netns): the bytes the fingerprint hashes, and what netns_list_out and netns_ids_out get. */
typedef struct {
  buf_t hashed, *json, *ids;
  int ok, r;
} netns_list_t;

static void list_netns(int nl, netns_list_t *l) {
  buf_t *out = l->json, *ids = l->ids;
  l->ok = 0;
  l->r = 0;
  if (out) {
    out->n = 0;
    buf_add(out, "", 0);
  }
  if (ids) ids->n = 0;
  DIR *d = opendir("/run/netns");
  if (!d) {
    int e = errno;
    buf_add(&l->hashed, "no /run/netns", 13);
    l->ok = e == ENOENT;
    if (ids) note_identity(ids, e == ENOENT ? IDS_NO_DIR : IDS_UNOPENED, "", NULL);
    l->r = e == ENOENT ? 0 : -e;
    return;
  }
  if (out) buf_add(out, "[", 1);
  int first = 1;
  for (struct dirent *e; (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC);
    int id = fd < 0 ? -errno : nsid_of(nl, fd);
    if (ids) {
      struct stat st;
      int known = fd >= 0 && fstat(fd, &st) == 0;
      note_identity(ids, known ? IDS_FILE : IDS_UNOPENED, e->d_name, known ? &st : NULL);
    }
    if (fd >= 0) close(fd);
    int32_t v = id;
    buf_add(&l->hashed, e->d_name, strlen(e->d_name) + 1);
    buf_add(&l->hashed, (const char *)&v, sizeof v);
    if (!out) continue;
    buf_add(out, first ? "{\"name\":" : ",{\"name\":", first ? 8 : 9);
    first = 0;
    json_name(out, e->d_name);
    if (id >= 0) {
      char n[32];
      buf_add(out, n, (size_t)snprintf(n, sizeof n, ",\"id\":%d", id));
    }
    buf_add(out, "}", 1);
  }
  closedir(d);
  if (out) buf_add(out, "]\n", 2);
  l->ok = 1;
}

/* Hashes what list_netns found, and hands the caller's thread its list (netns_list_ok). Returns list_netns's result. */
static int hash_listed(sha256_ctx *h, netns_list_t *l) {
  sha256_update(h, l->hashed.p ? l->hashed.p : "", l->hashed.n);
  free(l->hashed.p);
  l->hashed = (buf_t){0};
  if (l->json) netns_list_ok = l->ok;
  return l->r;
}

static int hash_netns_names(int nl, sha256_ctx *h) {
  netns_list_t l = {.json = netns_list_out, .ids = netns_list_out ? netns_ids_out : NULL};
  list_netns(nl, &l);
  return hash_listed(h, &l);
}

/*
 * The root's /run/netns list, taken on a thread of its own while the
 * fingerprint's dumps run (fingerprint): an open, an id request, a stat and
 * a close per entry, 20 ms of a 1000-namespace root read inside a lab's
 * start-up flood, and the dumps leave the other CPU idle. The thread is
 * created by the fingerprinting one, so it is in the same (the root's)
 * network namespace; its own socket asks for the ids as the root knows them.
 */
static void *list_thread(void *arg) {
  netns_list_t *l = arg;
  int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (nl < 0) {
    l->r = -errno;
    return NULL;
  }
  list_netns(nl, l);
  close(nl);
  return NULL;
}

/*
 * Why a stat each is proof enough, with the read's subscription (which takes
 * the root's namespace ids, RTM_NEWNSID and RTM_DELNSID, as changes): the
 * list the read prints pairs each name with an id. A name that still leads
 * to the same namespace file (device and inode) leads to the same namespace,
 * since two living namespaces never share an inode; a namespace that died
 * meanwhile and whose inode was given to a new one at the same name either
 * had an id (its deletion was notified) or had none, and then the new one
 * got its id (if any) after the list was taken (notified too). An id is
 * given or taken from a living namespace only with a notification. So the
 * names, the order and the identities the same, and no notification: the
 * list is what `ip netns list` would print now. An entry that could not be
 * opened then is not judged here (-1: the caller lists again, as before).
 */
int netns_names_same(const buf_t *ids) {
  if (!ids || !ids->p || ids->n == 0) return -1;
  const char *p = ids->p, *end = ids->p + ids->n;
  DIR *d = opendir("/run/netns");
  if (!d) {
    int absent = errno == ENOENT;
    return *p == IDS_NO_DIR && absent && ids->n == 1 + 1 + 16 ? 1 : *p == IDS_UNOPENED ? -1 : 0;
  }
  int same = *p == IDS_NO_DIR ? 0 : 1;
  for (struct dirent *e; same == 1 && (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (p >= end) {
      same = 0;
      break;
    }
    char kind = *p++;
    const char *name = p;
    size_t len = strnlen(name, (size_t)(end - p));
    if (kind == IDS_UNOPENED || p + len + 1 + 16 > end) {
      same = -1;
      break;
    }
    uint64_t di[2];
    memcpy(di, p + len + 1, sizeof di);
    p += len + 1 + 16;
    struct stat st;
    if (strcmp(name, e->d_name) != 0 || fstatat(dirfd(d), e->d_name, &st, 0) != 0 ||
        (uint64_t)st.st_dev != di[0] || (uint64_t)st.st_ino != di[1])
      same = 0;
  }
  if (same == 1 && p != end) same = 0;
  closedir(d);
  return same;
}

int netns_list_json(buf_t *out) {
  int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (nl < 0) return -errno;
  sha256_ctx h;
  sha256_init(&h);
  buf_t *was = netns_list_out;
  netns_list_out = out;
  int r = hash_netns_names(nl, &h);
  netns_list_out = was;
  close(nl);
  return r;
}

/*
 * The fingerprint of the current namespace, as 64 hex digits; 0 or -errno.
 * With `root`, also the /run/netns names and their ids (what the root's
 * `netns list` prints).
 */
int fingerprint(char out[65], int root) {
  for (int attempt = 0; attempt < 5; attempt++) {
    nseen = 0;
    seen_lost = 0;
    nsettled = 0;
    npinned = 0;
    npinned_unkeyed = 0;
    if (link_names_out) link_names_out->n = 0;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) return -errno;
    sha256_ctx h;
    sha256_init(&h);
    netns_list_t l = {.json = netns_list_out, .ids = netns_list_out ? netns_ids_out : NULL};
    pthread_t lister;
    int listing = root && pthread_create(&lister, NULL, list_thread, &l) == 0;
    int r = dump(fd, &h, RTM_GETLINK, AF_UNSPEC, RTEXT_FILTER_VF);
    if (!r) r = dump(fd, &h, RTM_GETLINK, AF_BRIDGE, RTEXT_FILTER_BRVLAN);
    if (!r) r = dump(fd, &h, RTM_GETADDR, AF_UNSPEC, 0);
    if (!r) r = dump(fd, &h, RTM_GETROUTE, AF_INET, 0);
    if (!r) r = dump(fd, &h, RTM_GETROUTE, AF_INET6, 0);
    if (!r) hash_missing_local(&h);
    if (!r) r = dump(fd, &h, RTM_GETQDISC, AF_UNSPEC, 0);
    /* IPv4 rules only: the live reader reads no others (a batch line cannot carry -6). */
    if (!r) r = dump(fd, &h, RTM_GETRULE, AF_INET, 0);
    if (!r) r = dump(fd, &h, RTM_GETNEIGH, AF_UNSPEC, 0);
    if (listing) {
      pthread_join(lister, NULL);
      if (!r) r = hash_listed(&h, &l);
      else free(l.hashed.p);
    } else if (!r && root)
      r = hash_netns_names(fd, &h);
    close(fd);
    if (r == -EAGAIN) continue;
    if (r) return r;
    unsigned char d[32];
    sha256_final(&h, d);
    for (int i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", d[i]);
    return 0;
  }
  return -EAGAIN;
}

/* fingerprint(), recording each link's, address's and route's digest (seen_digests). */
int fingerprint_seen(char out[65], int root) {
  recording = 1;
  int r = fingerprint(out, root);
  recording = 0;
  if (r) nseen = 0;
  return r;
}

/* A socket on the namespace's change notifications (links, addresses, routes, qdiscs; with `root`, namespace ids). */
int subscribe(int root) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (fd < 0) return -1;
  struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
  sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR | RTMGRP_IPV4_ROUTE |
                 RTMGRP_IPV6_ROUTE | RTMGRP_TC;
  int nsid = RTNLGRP_NSID;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
      (root && setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &nsid, sizeof nsid) < 0)) {
    close(fd);
    return -1;
  }
  return fd;
}

/*
 * subscribe(), also to the rest of what the fingerprint hashes: IPv4
 * rules and neighbour entries. For a read proven by its notifications
 * alone (quiet_since_fp).
 */
int subscribe_all(int root) {
  int fd = subscribe(root);
  /*
   * Room for what a big lab's start sends while the read runs (the root of
   * 1000 hosts: every port's addresses and routes, the bridge learning each
   * host's address): an overrun leaves the read unproven, only slower.
   */
  int size = 8 << 20;
  if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0)
    (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  static const int more[] = {RTNLGRP_IPV4_RULE, RTNLGRP_NEIGH};
  for (size_t i = 0; fd >= 0 && i < sizeof more / sizeof *more; i++)
    if (setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &more[i], sizeof more[i]) < 0) {
      close(fd);
      fd = -1;
    }
  return fd;
}


/* A digest among d (n of them) recorded for the object `m` is about (type RTM_GETLINK, RTM_GETADDR or RTM_GETROUTE) equals m's. */
static int same_digest(int type, const struct nlmsghdr *m, const object_digest *d, size_t n) {
  sha256_ctx one;
  sha256_init(&one);
  if (hash_message(&one, type, m, 0) != 1) return 0;
  unsigned char one_d[32];
  sha256_final(&one, one_d);
  const unsigned char *body = NLMSG_DATA(m);
  int index = object_index(type, body);
  for (size_t i = 0; i < n; i++)
    if (d[i].type == type && d[i].family == body[0] && d[i].index == index && memcmp(d[i].d, one_d, sizeof one_d) == 0)
      return 1;
  return 0;
}

/*
 * A notification the fingerprint is blind to whatever state it hashed:
 * about an address or a route it leaves out whole (IPv6 link-local
 * addresses, the kernel's own IPv6 routes). Used while an apply's writes
 * settle (nsread-prime.c), before any fingerprint.
 */
static int blind_notification(const struct nlmsghdr *m) {
  if (m->nlmsg_len < NLMSG_HDRLEN + 1) return 0;
  dump_family = *(const unsigned char *)NLMSG_DATA(m);
  switch (m->nlmsg_type) {
  case RTM_NEWROUTE:
  case RTM_DELROUTE: return hash_message_skips(RTM_GETROUTE, m);
  case RTM_NEWADDR:
  case RTM_DELADDR: return hash_message_skips(RTM_GETADDR, m);
  default: return 0;
  }
}

/*
 * An IPv6 local route in table local made by the kernel for an address
 * that is not link-local: when DAD has ended for that address, the
 * fingerprint hashes its absence (hash_missing_local).
 */
static int settled_local_route(const struct nlmsghdr *m) {
  const struct rtmsg *r = NLMSG_DATA(m);
  if (m->nlmsg_len < NLMSG_LENGTH(sizeof *r) || r->rtm_family != AF_INET6 || r->rtm_type != RTN_LOCAL) return 0;
  int len = (int)m->nlmsg_len - NLMSG_LENGTH(sizeof *r);
  for (const struct nlattr *a = (const struct nlattr *)((const char *)r + NLMSG_ALIGN(sizeof *r));
       len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= len;
       len -= NLA_ALIGN(a->nla_len), a = (const struct nlattr *)((const char *)a + NLA_ALIGN(a->nla_len)))
    if ((a->nla_type & NLA_TYPE_MASK) == RTA_DST && a->nla_len >= NLA_HDRLEN + 16)
      return !v6_link_local((const unsigned char *)a + NLA_HDRLEN);
  return 1;
}

/*
 * For a namespace kept without a dump (nsread-watch.c), and for a read
 * (quiet_since_fp), where the notifications are the only witness: blind only to
 * the appearance or departure of what the fingerprint leaves out whole (an
 * IPv6 link-local address, the kernel's own IPv6 routes, a neighbour entry
 * that is not pinned), and to a link, address or route shown as the
 * fingerprint saw it but for what it leaves out (carrier and a route's
 * linkdown flag, the end of DAD: the kernel tells of a route again when its
 * link gets carrier). Not blind to the
 * departure of a settled address's local route (its absence is hashed), nor
 * to a pinned neighbour entry, nor to one that is not pinned but has the
 * key of a pinned one the fingerprint hashed (a pinned entry replaced by
 * one that is not shows only as the latter: neigh_key; where a key was not
 * recorded, `pinned` 2, to any neighbour change), nor to anything else:
 * rules, qdiscs, namespace ids, a link deleted. Why keys: a bridge's ports
 * have pinned entries of their own (its forwarding database's local
 * addresses), and the addresses it learns from traffic then broke every
 * read of the root while a big lab started.
 */
int kept_blind(const void *msg, const object_digest *d, size_t n, int pinned) {
  const struct nlmsghdr *m = msg;
  if (m->nlmsg_len < NLMSG_HDRLEN + 1) return 0;
  dump_family = *(const unsigned char *)NLMSG_DATA(m);
  switch (m->nlmsg_type) {
  case RTM_NEWROUTE: return hash_message_skips(RTM_GETROUTE, m) > 0 || same_digest(RTM_GETROUTE, m, d, n);
  case RTM_DELROUTE: return hash_message_skips(RTM_GETROUTE, m) > 0 && !settled_local_route(m);
  case RTM_DELADDR: return hash_message_skips(RTM_GETADDR, m) > 0;
  case RTM_NEWADDR: return hash_message_skips(RTM_GETADDR, m) > 0 || same_digest(RTM_GETADDR, m, d, n);
  case RTM_NEWLINK: return same_digest(RTM_GETLINK, m, d, n);
  case RTM_NEWNEIGH:
  case RTM_DELNEIGH:
    /* An entry that is not pinned: a change only where it has the key of a pinned one (replaced by it). */
    if (hash_message_skips(RTM_GETNEIGH, m) <= 0) return 0;
    return !pinned || (pinned == 1 && !pinned_key(m, d, n));
  default: return 0;
  }
}

/*
 * Reads all that is waiting on `fd`: 1 when every message was blind by
 * `blind` (given `ctx`), 0 when one was not, or on an overrun or a message
 * cut short (not looked at).
 */
static int drained_blind(int fd, int (*blind)(const struct nlmsghdr *, const void *), const void *ctx) {
  static __thread char *b;
  enum { NB = 1 << 16 };
  if (!b && !(b = malloc(NB))) return 0;
  int all = 1;
  for (;;) {
    ssize_t got = recv(fd, b, NB, MSG_DONTWAIT | MSG_TRUNC);
    if (got < 0) {
      if (errno == EINTR) continue;
      return all && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    if (got == 0) return all;
    if ((size_t)got > NB) return 0;
    for (struct nlmsghdr *m = (struct nlmsghdr *)b; NLMSG_OK(m, (unsigned)got); m = NLMSG_NEXT(m, got))
      if (!blind(m, ctx)) all = 0;
  }
}

static int blind_always(const struct nlmsghdr *m, const void *unused) {
  (void)unused;
  return blind_notification(m);
}

/*
 * True when a notification the fingerprint is not blind to (see
 * blind_notification), or an overrun, arrived on the subscription; reads
 * all that is waiting.
 */
int changed_beyond(int fd) { return !drained_blind(fd, blind_always, NULL); }

/* What a fingerprint recorded, as quiet_since_fp judges by it. */
typedef struct {
  const object_digest *d;
  size_t n;
  int pinned;
} recorded_t;

static int blind_to_recorded(const struct nlmsghdr *m, const void *ctx) {
  const recorded_t *r = ctx;
  return kept_blind(m, r->d, r->n, r->pinned);
}

/*
 * True when nothing that came on `fd` (subscribe_all, made before the
 * fingerprint that recorded d, n and pinned) can be a change of what that
 * fingerprint hashed: judged as a kept namespace is (kept_blind), since no
 * second fingerprint follows. False on an overrun or a message cut short.
 * Reads all that is waiting.
 */
int quiet_since_fp(int fd, const object_digest *d, size_t n, int pinned) {
  recorded_t r = {d, n, pinned};
  return drained_blind(fd, blind_to_recorded, &r);
}
