#!/usr/bin/env bash
# netplumb lab "geneve-overlay" — generated from geneve-overlay.yaml.
# Builds the lab with iproute2 alone. Needs root.
#
#   sudo ./geneve-overlay.sh up       create it
#   sudo ./geneve-overlay.sh down     remove what this script made (objects carrying the netplumb mark)
#   sudo ./geneve-overlay.sh status   show which of its namespaces exist
#
# Every interface it creates carries the alias netplumb:geneve-overlay:... and every namespace
# carries netplumb:geneve-overlay on its lo, the marks netplumb itself uses: after "up",
# "netplumb status" reports the lab in sync and "netplumb destroy geneve-overlay" removes it.
set -euo pipefail

LAB=geneve-overlay
MARK=netplumb:geneve-overlay

up() {
  # --- Namespace h1 ---
  ip netns add h1
  ip -n h1 link set dev lo alias netplumb:geneve-overlay
  ip -n h1 link set dev lo up

  # --- Router r1 ---
  ip netns add r1
  ip netns exec r1 sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  ip -n r1 link set dev lo alias netplumb:geneve-overlay
  ip -n r1 link set dev lo up

  # --- Namespace h2 ---
  ip netns add h2
  ip -n h2 link set dev lo alias netplumb:geneve-overlay
  ip -n h2 link set dev lo up

  # --- Link u1: veth pair eth0 on h1 <-> eth0 on r1 ---
  ip link add name eth0 netns h1 type veth peer name eth0 netns r1
  ip -n h1 link set dev eth0 alias netplumb:geneve-overlay:u1:a
  ip -n h1 address add 10.0.1.1/24 dev eth0
  ip -n h1 link set dev eth0 up
  ip -n r1 link set dev eth0 alias netplumb:geneve-overlay:u1:b
  ip -n r1 address add 10.0.1.254/24 dev eth0
  ip -n r1 link set dev eth0 up

  # --- Link u2: veth pair eth0 on h2 <-> eth1 on r1 ---
  ip link add name eth0 netns h2 type veth peer name eth1 netns r1
  ip -n h2 link set dev eth0 alias netplumb:geneve-overlay:u2:a
  ip -n h2 address add 10.0.2.1/24 dev eth0
  ip -n h2 link set dev eth0 up
  ip -n r1 link set dev eth1 alias netplumb:geneve-overlay:u2:b
  ip -n r1 address add 10.0.2.254/24 dev eth1
  ip -n r1 link set dev eth1 up

  # --- Link gv: Geneve link gv0 on h1 <-> gv0 on h2 ---
  ip -n h1 link add name gv0 address 02:56:47:41:2a:66 type geneve id 7 remote 10.0.2.1 dstport 6081
  ip -n h1 link set dev gv0 alias netplumb:geneve-overlay:gv:a
  ip -n h1 address add 192.168.100.1/24 dev gv0
  ip -n h1 link set dev gv0 up
  ip -n h2 link add name gv0 address 02:56:46:41:28:d3 type geneve id 7 remote 10.0.1.1 dstport 6081
  ip -n h2 link set dev gv0 alias netplumb:geneve-overlay:gv:b
  ip -n h2 address add 192.168.100.2/24 dev gv0
  ip -n h2 link set dev gv0 up

  # --- Routes of h1 ---
  ip -n h1 route replace default via 10.0.1.254

  # --- Routes of h2 ---
  ip -n h2 route replace default via 10.0.2.254
}

# Deletes interface $2 in namespace $1 ('' = root) only if it carries mark $3.
delete_link() {
  local ns=$1 dev=$2 mark=$3
  local nsarg=()
  [ -n "$ns" ] && nsarg=(-n "$ns")
  if ip "${nsarg[@]}" -j link show dev "$dev" 2>/dev/null | grep -qF "\"ifalias\":\"$mark\""; then
    ip "${nsarg[@]}" link delete dev "$dev"
  fi
}

# Deletes namespace $1 only if its lo carries the lab's mark.
delete_netns() {
  local ns=$1
  if ip -n "$ns" -j link show dev lo 2>/dev/null | grep -qF "\"ifalias\":\"$MARK\""; then
    ip netns delete "$ns"
  fi
}

down() {
  delete_netns h1
  delete_netns r1
  delete_netns h2
}

status() {
  local ns
  for ns in h1 r1 h2; do
    if [ -e "/run/netns/$ns" ]; then echo "present  $ns"; else echo "missing  $ns"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
