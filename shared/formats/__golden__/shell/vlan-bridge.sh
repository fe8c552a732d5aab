#!/usr/bin/env bash
# netplumb lab "vlan-bridge" — generated from vlan-bridge.yaml.
# Builds the lab with iproute2 alone. Needs root.
#
#   sudo ./vlan-bridge.sh up       create it
#   sudo ./vlan-bridge.sh down     remove what this script made (objects carrying the netplumb mark)
#   sudo ./vlan-bridge.sh status   show which of its namespaces exist
#
# Every interface it creates carries the alias netplumb:vlan-bridge:... and every namespace
# carries netplumb:vlan-bridge on its lo, the marks netplumb itself uses: after "up",
# "netplumb status" reports the lab in sync and "netplumb destroy vlan-bridge" removes it.
set -euo pipefail

LAB=vlan-bridge
MARK=netplumb:vlan-bridge

up() {
  # --- Bridge vbr0 (root namespace) ---
  ip link add name vbr0 type bridge vlan_filtering 1
  ip link set dev vbr0 alias netplumb:vlan-bridge:bridge:vbr0
  ip link set dev vbr0 up

  # --- Namespace vl-a10 ---
  ip netns add vl-a10
  ip -n vl-a10 link set dev lo alias netplumb:vlan-bridge
  ip -n vl-a10 link set dev lo up

  # --- Namespace vl-b10 ---
  ip netns add vl-b10
  ip -n vl-b10 link set dev lo alias netplumb:vlan-bridge
  ip -n vl-b10 link set dev lo up

  # --- Namespace vl-a20 ---
  ip netns add vl-a20
  ip -n vl-a20 link set dev lo alias netplumb:vlan-bridge
  ip -n vl-a20 link set dev lo up

  # --- Namespace vl-b20 ---
  ip netns add vl-b20
  ip -n vl-b20 link set dev lo alias netplumb:vlan-bridge
  ip -n vl-b20 link set dev lo up

  # --- Link a10: veth pair eth0 on vl-a10 <-> vbr0-a10 on vbr0 ---
  ip link add name eth0 netns vl-a10 type veth peer name vbr0-a10
  ip link set dev vbr0-a10 alias netplumb:vlan-bridge:a10:b
  ip link set dev vbr0-a10 master vbr0
  ip link set dev vbr0-a10 up
  ip -n vl-a10 link set dev eth0 alias netplumb:vlan-bridge:a10:a
  ip -n vl-a10 address add 10.10.0.1/24 dev eth0
  ip -n vl-a10 link set dev eth0 up

  # --- Link b10: veth pair eth0 on vl-b10 <-> vbr0-b10 on vbr0 ---
  ip link add name eth0 netns vl-b10 type veth peer name vbr0-b10
  ip link set dev vbr0-b10 alias netplumb:vlan-bridge:b10:b
  ip link set dev vbr0-b10 master vbr0
  ip link set dev vbr0-b10 up
  ip -n vl-b10 link set dev eth0 alias netplumb:vlan-bridge:b10:a
  ip -n vl-b10 address add 10.10.0.2/24 dev eth0
  ip -n vl-b10 link set dev eth0 up

  # --- Link a20: veth pair eth0 on vl-a20 <-> vbr0-a20 on vbr0 ---
  ip link add name eth0 netns vl-a20 type veth peer name vbr0-a20
  ip link set dev vbr0-a20 alias netplumb:vlan-bridge:a20:b
  ip link set dev vbr0-a20 master vbr0
  ip link set dev vbr0-a20 up
  ip -n vl-a20 link set dev eth0 alias netplumb:vlan-bridge:a20:a
  ip -n vl-a20 address add 10.20.0.1/24 dev eth0
  ip -n vl-a20 link set dev eth0 up

  # --- Link b20: veth pair eth0 on vl-b20 <-> vbr0-b20 on vbr0 ---
  ip link add name eth0 netns vl-b20 type veth peer name vbr0-b20
  ip link set dev vbr0-b20 alias netplumb:vlan-bridge:b20:b
  ip link set dev vbr0-b20 master vbr0
  ip link set dev vbr0-b20 up
  ip -n vl-b20 link set dev eth0 alias netplumb:vlan-bridge:b20:a
  ip -n vl-b20 address add 10.20.0.2/24 dev eth0
  ip -n vl-b20 link set dev eth0 up

  # --- Link a10: veth pair eth0 on vl-a10 <-> vbr0-a10 on vbr0 ---
  bridge vlan add vid 10 dev vbr0-a10 pvid untagged
  bridge vlan del vid 1 dev vbr0-a10

  # --- Link b10: veth pair eth0 on vl-b10 <-> vbr0-b10 on vbr0 ---
  bridge vlan add vid 10 dev vbr0-b10 pvid untagged
  bridge vlan del vid 1 dev vbr0-b10

  # --- Link a20: veth pair eth0 on vl-a20 <-> vbr0-a20 on vbr0 ---
  bridge vlan add vid 20 dev vbr0-a20 pvid untagged
  bridge vlan del vid 1 dev vbr0-a20

  # --- Link b20: veth pair eth0 on vl-b20 <-> vbr0-b20 on vbr0 ---
  bridge vlan add vid 20 dev vbr0-b20 pvid untagged
  bridge vlan del vid 1 dev vbr0-b20
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
  delete_link '' vbr0 netplumb:vlan-bridge:bridge:vbr0
  delete_link '' vbr0-a10 netplumb:vlan-bridge:a10:b
  delete_link '' vbr0-b10 netplumb:vlan-bridge:b10:b
  delete_link '' vbr0-a20 netplumb:vlan-bridge:a20:b
  delete_link '' vbr0-b20 netplumb:vlan-bridge:b20:b
  delete_netns vl-a10
  delete_netns vl-b10
  delete_netns vl-a20
  delete_netns vl-b20
}

status() {
  local ns
  for ns in vl-a10 vl-b10 vl-a20 vl-b20; do
    if [ -e "/run/netns/$ns" ]; then echo "present  $ns"; else echo "missing  $ns"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
