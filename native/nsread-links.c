/*
 * `nsread links`: a namespace's link table with counters, as JSON shaped
 * like `ip -j -s link show` for the fields the live views read (ifname,
 * ifalias, address, operstate, stats64 rx/tx bytes and packets), from one
 * RTM_GETLINK dump. Counters change all the time, so this is never cached.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "nsread.h"

static void add(buf_t *b, const char *s) { buf_add(b, s, strlen(s)); }

/* A JSON string: quotes, backslashes and control bytes escaped; other bytes as they are. */
static void json_str(buf_t *b, const char *s, size_t n) {
  add(b, "\"");
  for (size_t i = 0; i < n && s[i]; i++) {
    unsigned char c = (unsigned char)s[i];
    char esc[8];
    if (c == '"' || c == '\\') {
      esc[0] = '\\';
      esc[1] = (char)c;
      buf_add(b, esc, 2);
    } else if (c < 0x20) {
      snprintf(esc, sizeof esc, "\\u%04x", c);
      add(b, esc);
    } else buf_add(b, (const char *)&c, 1);
  }
  add(b, "\"");
}

static const char *const OPER[] = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"};

static void one_link(buf_t *b, struct nlmsghdr *m, int stats, int *first) {
  struct ifinfomsg *ifi = NLMSG_DATA(m);
  int len = (int)m->nlmsg_len - (int)NLMSG_LENGTH(sizeof *ifi);
  const char *name = NULL, *alias = NULL;
  size_t name_n = 0, alias_n = 0;
  const unsigned char *mac = NULL;
  int mac_n = 0, oper = -1;
  struct rtnl_link_stats64 st;
  int have_st = 0;
  for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
    size_t pl = RTA_PAYLOAD(a);
    switch (a->rta_type) {
    case IFLA_IFNAME: name = RTA_DATA(a); name_n = pl; break;
    case IFLA_IFALIAS: alias = RTA_DATA(a); alias_n = pl; break;
    case IFLA_ADDRESS: mac = RTA_DATA(a); mac_n = (int)pl; break;
    case IFLA_OPERSTATE: if (pl >= 1) oper = *(unsigned char *)RTA_DATA(a); break;
    case IFLA_STATS64:
      memset(&st, 0, sizeof st);
      memcpy(&st, RTA_DATA(a), pl < sizeof st ? pl : sizeof st);
      have_st = 1;
      break;
    }
  }
  if (!name) return;
  add(b, *first ? "{" : ",{");
  *first = 0;
  char num[128];
  snprintf(num, sizeof num, "\"ifindex\":%d,\"ifname\":", ifi->ifi_index);
  add(b, num);
  json_str(b, name, name_n);
  if (alias && alias_n > 0 && alias[0]) {
    add(b, ",\"ifalias\":");
    json_str(b, alias, alias_n);
  }
  if (mac && mac_n > 0) {
    add(b, ",\"address\":\"");
    /* As ip prints it (ll_addr_n2a): an IPv4 or IPv6 tunnel's link address as an IP address (gre0: 0.0.0.0). */
    char ipaddr[INET6_ADDRSTRLEN];
    int t = ifi->ifi_type;
    if (mac_n == 4 && (t == ARPHRD_TUNNEL || t == ARPHRD_SIT || t == ARPHRD_IPGRE) &&
        inet_ntop(AF_INET, mac, ipaddr, sizeof ipaddr))
      add(b, ipaddr);
    else if (mac_n == 16 && (t == ARPHRD_TUNNEL6 || t == ARPHRD_IP6GRE) && inet_ntop(AF_INET6, mac, ipaddr, sizeof ipaddr))
      add(b, ipaddr);
    else
      for (int i = 0; i < mac_n; i++) {
        snprintf(num, sizeof num, i ? ":%02x" : "%02x", mac[i]);
        add(b, num);
      }
    add(b, "\"");
  }
  if (oper >= 0) {
    add(b, ",\"operstate\":\"");
    add(b, oper < (int)(sizeof OPER / sizeof *OPER) ? OPER[oper] : "UNKNOWN");
    add(b, "\"");
  }
  if (stats && have_st) {
    snprintf(num, sizeof num, ",\"stats64\":{\"rx\":{\"bytes\":%llu,\"packets\":%llu},",
             (unsigned long long)st.rx_bytes, (unsigned long long)st.rx_packets);
    add(b, num);
    snprintf(num, sizeof num, "\"tx\":{\"bytes\":%llu,\"packets\":%llu}}", (unsigned long long)st.tx_bytes,
             (unsigned long long)st.tx_packets);
    add(b, num);
  }
  add(b, "}");
}

int link_table(buf_t *out, int stats) {
  int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return -errno;
  struct {
    struct nlmsghdr n;
    struct ifinfomsg i;
  } req = {.n = {.nlmsg_len = sizeof req, .nlmsg_type = RTM_GETLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1},
           .i = {.ifi_family = AF_UNSPEC}};
  if (send(fd, &req, sizeof req, 0) < 0) {
    int e = errno;
    close(fd);
    return -e;
  }
  static char rb[1 << 18];
  int first = 1, r = 0;
  add(out, "[");
  for (;;) {
    ssize_t n = recv(fd, rb, sizeof rb, MSG_TRUNC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) { r = -errno; break; }
    if ((size_t)n > sizeof rb) { r = -EMSGSIZE; break; }
    int done = 0;
    for (struct nlmsghdr *m = (struct nlmsghdr *)rb; NLMSG_OK(m, (unsigned)n); m = NLMSG_NEXT(m, n)) {
      if (m->nlmsg_type == NLMSG_DONE) { done = 1; break; }
      if (m->nlmsg_type == NLMSG_ERROR) {
        struct nlmsgerr *e = NLMSG_DATA(m);
        r = e->error ? e->error : -EPROTO;
        done = 1;
        break;
      }
      if (m->nlmsg_type == RTM_NEWLINK) one_link(out, m, stats, &first);
    }
    if (done) break;
  }
  close(fd);
  add(out, "]\n");
  return r;
}
