#!/usr/bin/env bash
# netplumb lab "linux-bridge" — generated from linux-bridge.yaml.
# Builds the lab with iproute2 alone. Needs root.
#
#   sudo ./linux-bridge.sh up       create it
#   sudo ./linux-bridge.sh down     remove what this script made (objects carrying the netplumb mark)
#   sudo ./linux-bridge.sh status   show which of its namespaces exist
#
# Every interface it creates carries the alias netplumb:linux-bridge:... and every namespace
# carries netplumb:linux-bridge on its lo, the marks netplumb itself uses: after "up",
# "netplumb status" reports the lab in sync and "netplumb destroy linux-bridge" removes it.
set -euo pipefail

LAB=linux-bridge
MARK=netplumb:linux-bridge

up() {
  # --- Namespace ns1 ---
  ip netns add ns1
  ip -n ns1 link set dev lo alias netplumb:linux-bridge
  ip -n ns1 link set dev lo up

  # --- Namespace ns2 ---
  ip netns add ns2
  ip -n ns2 link set dev lo alias netplumb:linux-bridge
  ip -n ns2 link set dev lo up

  # --- Bridge br0 (root namespace) ---
  ip link add name br0 type bridge
  ip link set dev br0 alias netplumb:linux-bridge:bridge:br0
  ip link set dev br0 up

  # --- Link ns1-br0: veth pair veth-ns1 on ns1 <-> veth-ns1-br on br0 ---
  ip link add name veth-ns1 netns ns1 type veth peer name veth-ns1-br
  ip link set dev veth-ns1-br alias netplumb:linux-bridge:ns1-br0:b
  ip link set dev veth-ns1-br master br0
  ip link set dev veth-ns1-br up
  ip -n ns1 link set dev veth-ns1 alias netplumb:linux-bridge:ns1-br0:a
  ip -n ns1 address add 10.0.0.1/24 dev veth-ns1
  ip -n ns1 link set dev veth-ns1 up

  # --- Link ns2-br0: veth pair veth-ns2 on ns2 <-> veth-ns2-br on br0 ---
  ip link add name veth-ns2 netns ns2 type veth peer name veth-ns2-br
  ip link set dev veth-ns2-br alias netplumb:linux-bridge:ns2-br0:b
  ip link set dev veth-ns2-br master br0
  ip link set dev veth-ns2-br up
  ip -n ns2 link set dev veth-ns2 alias netplumb:linux-bridge:ns2-br0:a
  ip -n ns2 address add 10.0.0.2/24 dev veth-ns2
  ip -n ns2 link set dev veth-ns2 up
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
  delete_link '' br0 netplumb:linux-bridge:bridge:br0
  delete_link '' veth-ns1-br netplumb:linux-bridge:ns1-br0:b
  delete_link '' veth-ns2-br netplumb:linux-bridge:ns2-br0:b
  delete_netns ns1
  delete_netns ns2
}

status() {
  local ns
  for ns in ns1 ns2; do
    if [ -e "/run/netns/$ns" ]; then echo "present  $ns"; else echo "missing  $ns"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
