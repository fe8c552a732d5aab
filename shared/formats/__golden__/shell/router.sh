#!/usr/bin/env bash
# netplumb lab "router" — generated from router.yaml.
# Builds the lab with iproute2 alone. Needs root.
#
#   sudo ./router.sh up       create it
#   sudo ./router.sh down     remove what this script made (objects carrying the netplumb mark)
#   sudo ./router.sh status   show which of its namespaces exist
#
# Every interface it creates carries the alias netplumb:router:... and every namespace
# carries netplumb:router on its lo, the marks netplumb itself uses: after "up",
# "netplumb status" reports the lab in sync and "netplumb destroy router" removes it.
set -euo pipefail

LAB=router
MARK=netplumb:router

up() {
  # --- Namespace rt-left ---
  ip netns add rt-left
  ip -n rt-left link set dev lo alias netplumb:router
  ip -n rt-left link set dev lo up

  # --- Router rt-core ---
  ip netns add rt-core
  ip netns exec rt-core sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  ip -n rt-core link set dev lo alias netplumb:router
  ip -n rt-core link set dev lo up

  # --- Namespace rt-right ---
  ip netns add rt-right
  ip -n rt-right link set dev lo alias netplumb:router
  ip -n rt-right link set dev lo up

  # --- Link left: veth pair eth0 on rt-left <-> eth0 on rt-core ---
  ip link add name eth0 netns rt-left type veth peer name eth0 netns rt-core
  ip -n rt-left link set dev eth0 alias netplumb:router:left:a
  ip -n rt-left address add 10.1.0.2/24 dev eth0
  ip -n rt-left link set dev eth0 up
  ip -n rt-core link set dev eth0 alias netplumb:router:left:b
  ip -n rt-core address add 10.1.0.1/24 dev eth0
  ip -n rt-core link set dev eth0 up

  # --- Link right: veth pair eth1 on rt-core <-> eth0 on rt-right ---
  ip link add name eth1 netns rt-core type veth peer name eth0 netns rt-right
  ip -n rt-core link set dev eth1 alias netplumb:router:right:a
  ip -n rt-core address add 10.2.0.1/24 dev eth1
  ip -n rt-core link set dev eth1 up
  ip -n rt-right link set dev eth0 alias netplumb:router:right:b
  ip -n rt-right address add 10.2.0.2/24 dev eth0
  ip -n rt-right link set dev eth0 up

  # --- Routes of rt-left ---
  ip -n rt-left route replace default via 10.1.0.1

  # --- Routes of rt-right ---
  ip -n rt-right route replace default via 10.2.0.1
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
  delete_netns rt-left
  delete_netns rt-core
  delete_netns rt-right
}

status() {
  local ns
  for ns in rt-left rt-core rt-right; do
    if [ -e "/run/netns/$ns" ]; then echo "present  $ns"; else echo "missing  $ns"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
