#!/usr/bin/env bash
# netplumb lab "direct-veth" — generated from direct-veth.yaml.
# Builds the lab with iproute2 alone. Needs root.
#
#   sudo ./direct-veth.sh up       create it
#   sudo ./direct-veth.sh down     remove what this script made (objects carrying the netplumb mark)
#   sudo ./direct-veth.sh status   show which of its namespaces exist
#
# Every interface it creates carries the alias netplumb:direct-veth:... and every namespace
# carries netplumb:direct-veth on its lo, the marks netplumb itself uses: after "up",
# "netplumb status" reports the lab in sync and "netplumb destroy direct-veth" removes it.
set -euo pipefail

LAB=direct-veth
MARK=netplumb:direct-veth

up() {
  # --- Namespace dv-left ---
  ip netns add dv-left
  ip -n dv-left link set dev lo alias netplumb:direct-veth
  ip -n dv-left link set dev lo up

  # --- Namespace dv-right ---
  ip netns add dv-right
  ip -n dv-right link set dev lo alias netplumb:direct-veth
  ip -n dv-right link set dev lo up

  # --- Link cable: veth pair eth0 on dv-left <-> eth0 on dv-right ---
  ip link add name eth0 netns dv-left type veth peer name eth0 netns dv-right
  ip -n dv-left link set dev eth0 alias netplumb:direct-veth:cable:a
  ip -n dv-left address add 10.99.0.1/24 dev eth0
  ip -n dv-left link set dev eth0 up
  ip -n dv-right link set dev eth0 alias netplumb:direct-veth:cable:b
  ip -n dv-right address add 10.99.0.2/24 dev eth0
  ip -n dv-right link set dev eth0 up
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
  delete_netns dv-left
  delete_netns dv-right
}

status() {
  local ns
  for ns in dv-left dv-right; do
    if [ -e "/run/netns/$ns" ]; then echo "present  $ns"; else echo "missing  $ns"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
