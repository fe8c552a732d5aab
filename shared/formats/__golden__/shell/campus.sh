#!/usr/bin/env bash
# netplumb lab "campus" — generated from campus.yaml.
# Builds the lab with iproute2 alone. Needs root.
#
#   sudo ./campus.sh up       create it
#   sudo ./campus.sh down     remove what this script made (objects carrying the netplumb mark)
#   sudo ./campus.sh status   show which of its namespaces exist
#
# Every interface it creates carries the alias netplumb:campus:... and every namespace
# carries netplumb:campus on its lo, the marks netplumb itself uses: after "up",
# "netplumb status" reports the lab in sync and "netplumb destroy campus" removes it.
set -euo pipefail

LAB=campus
MARK=netplumb:campus

up() {
  # --- Router cp-core ---
  ip netns add cp-core
  ip netns exec cp-core sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
  ip -n cp-core link set dev lo alias netplumb:campus
  ip -n cp-core link set dev lo up

  # --- Namespace cp-isp ---
  ip netns add cp-isp
  ip -n cp-isp link set dev lo alias netplumb:campus
  ip -n cp-isp link set dev lo up

  # --- Bridge cpbr-a (root namespace) ---
  ip link add name cpbr-a type bridge
  ip link set dev cpbr-a alias netplumb:campus:bridge:cpbr-a
  ip link set dev cpbr-a up

  # --- Bridge cpbr-b (root namespace) ---
  ip link add name cpbr-b type bridge
  ip link set dev cpbr-b alias netplumb:campus:bridge:cpbr-b
  ip link set dev cpbr-b up

  # --- Bridge cpbr-c (root namespace) ---
  ip link add name cpbr-c type bridge
  ip link set dev cpbr-c alias netplumb:campus:bridge:cpbr-c
  ip link set dev cpbr-c up

  # --- Namespace cp-a1 ---
  ip netns add cp-a1
  ip -n cp-a1 link set dev lo alias netplumb:campus
  ip -n cp-a1 link set dev lo up

  # --- Namespace cp-a2 ---
  ip netns add cp-a2
  ip -n cp-a2 link set dev lo alias netplumb:campus
  ip -n cp-a2 link set dev lo up

  # --- Namespace cp-a3 ---
  ip netns add cp-a3
  ip -n cp-a3 link set dev lo alias netplumb:campus
  ip -n cp-a3 link set dev lo up

  # --- Namespace cp-a4 ---
  ip netns add cp-a4
  ip -n cp-a4 link set dev lo alias netplumb:campus
  ip -n cp-a4 link set dev lo up

  # --- Namespace cp-b1 ---
  ip netns add cp-b1
  ip -n cp-b1 link set dev lo alias netplumb:campus
  ip -n cp-b1 link set dev lo up

  # --- Namespace cp-b2 ---
  ip netns add cp-b2
  ip -n cp-b2 link set dev lo alias netplumb:campus
  ip -n cp-b2 link set dev lo up

  # --- Namespace cp-b3 ---
  ip netns add cp-b3
  ip -n cp-b3 link set dev lo alias netplumb:campus
  ip -n cp-b3 link set dev lo up

  # --- Namespace cp-b4 ---
  ip netns add cp-b4
  ip -n cp-b4 link set dev lo alias netplumb:campus
  ip -n cp-b4 link set dev lo up

  # --- Namespace cp-c1 ---
  ip netns add cp-c1
  ip -n cp-c1 link set dev lo alias netplumb:campus
  ip -n cp-c1 link set dev lo up

  # --- Namespace cp-c2 ---
  ip netns add cp-c2
  ip -n cp-c2 link set dev lo alias netplumb:campus
  ip -n cp-c2 link set dev lo up

  # --- Namespace cp-c3 ---
  ip netns add cp-c3
  ip -n cp-c3 link set dev lo alias netplumb:campus
  ip -n cp-c3 link set dev lo up

  # --- Namespace cp-c4 ---
  ip netns add cp-c4
  ip -n cp-c4 link set dev lo alias netplumb:campus
  ip -n cp-c4 link set dev lo up

  # --- Link uplink: veth pair up0 on cp-core <-> eth0 on cp-isp ---
  ip link add name up0 netns cp-core type veth peer name eth0 netns cp-isp
  ip -n cp-core link set dev up0 alias netplumb:campus:uplink:a
  ip -n cp-core address add 10.255.0.1/30 dev up0
  ip -n cp-core link set dev up0 up
  ip -n cp-isp link set dev eth0 alias netplumb:campus:uplink:b
  ip -n cp-isp address add 10.255.0.2/30 dev eth0
  ip -n cp-isp link set dev eth0 up

  # --- Link core-a: veth pair bld-a on cp-core <-> cp-core-a on cpbr-a ---
  ip link add name bld-a netns cp-core type veth peer name cp-core-a
  ip link set dev cp-core-a alias netplumb:campus:core-a:b
  ip link set dev cp-core-a master cpbr-a
  ip link set dev cp-core-a up
  ip -n cp-core link set dev bld-a alias netplumb:campus:core-a:a
  ip -n cp-core address add 10.100.1.1/24 dev bld-a
  ip -n cp-core link set dev bld-a up

  # --- Link core-b: veth pair bld-b on cp-core <-> cp-core-b on cpbr-b ---
  ip link add name bld-b netns cp-core type veth peer name cp-core-b
  ip link set dev cp-core-b alias netplumb:campus:core-b:b
  ip link set dev cp-core-b master cpbr-b
  ip link set dev cp-core-b up
  ip -n cp-core link set dev bld-b alias netplumb:campus:core-b:a
  ip -n cp-core address add 10.100.2.1/24 dev bld-b
  ip -n cp-core link set dev bld-b up

  # --- Link core-c: veth pair bld-c on cp-core <-> cp-core-c on cpbr-c ---
  ip link add name bld-c netns cp-core type veth peer name cp-core-c
  ip link set dev cp-core-c alias netplumb:campus:core-c:b
  ip link set dev cp-core-c master cpbr-c
  ip link set dev cp-core-c up
  ip -n cp-core link set dev bld-c alias netplumb:campus:core-c:a
  ip -n cp-core address add 10.100.3.1/24 dev bld-c
  ip -n cp-core link set dev bld-c up

  # --- Link a1: veth pair eth0 on cp-a1 <-> cp-a1-p on cpbr-a ---
  ip link add name eth0 netns cp-a1 type veth peer name cp-a1-p
  ip link set dev cp-a1-p alias netplumb:campus:a1:b
  ip link set dev cp-a1-p master cpbr-a
  ip link set dev cp-a1-p up
  ip -n cp-a1 link set dev eth0 alias netplumb:campus:a1:a
  ip -n cp-a1 address add 10.100.1.11/24 dev eth0
  ip -n cp-a1 link set dev eth0 up

  # --- Link a2: veth pair eth0 on cp-a2 <-> cp-a2-p on cpbr-a ---
  ip link add name eth0 netns cp-a2 type veth peer name cp-a2-p
  ip link set dev cp-a2-p alias netplumb:campus:a2:b
  ip link set dev cp-a2-p master cpbr-a
  ip link set dev cp-a2-p up
  ip -n cp-a2 link set dev eth0 alias netplumb:campus:a2:a
  ip -n cp-a2 address add 10.100.1.12/24 dev eth0
  ip -n cp-a2 link set dev eth0 up

  # --- Link a3: veth pair eth0 on cp-a3 <-> cp-a3-p on cpbr-a ---
  ip link add name eth0 netns cp-a3 type veth peer name cp-a3-p
  ip link set dev cp-a3-p alias netplumb:campus:a3:b
  ip link set dev cp-a3-p master cpbr-a
  ip link set dev cp-a3-p up
  ip -n cp-a3 link set dev eth0 alias netplumb:campus:a3:a
  ip -n cp-a3 address add 10.100.1.13/24 dev eth0
  ip -n cp-a3 link set dev eth0 up

  # --- Link a4: veth pair eth0 on cp-a4 <-> cp-a4-p on cpbr-a ---
  ip link add name eth0 netns cp-a4 type veth peer name cp-a4-p
  ip link set dev cp-a4-p alias netplumb:campus:a4:b
  ip link set dev cp-a4-p master cpbr-a
  ip link set dev cp-a4-p up
  ip -n cp-a4 link set dev eth0 alias netplumb:campus:a4:a
  ip -n cp-a4 address add 10.100.1.14/24 dev eth0
  ip -n cp-a4 link set dev eth0 up

  # --- Link b1: veth pair eth0 on cp-b1 <-> cp-b1-p on cpbr-b ---
  ip link add name eth0 netns cp-b1 type veth peer name cp-b1-p
  ip link set dev cp-b1-p alias netplumb:campus:b1:b
  ip link set dev cp-b1-p master cpbr-b
  ip link set dev cp-b1-p up
  ip -n cp-b1 link set dev eth0 alias netplumb:campus:b1:a
  ip -n cp-b1 address add 10.100.2.11/24 dev eth0
  ip -n cp-b1 link set dev eth0 up

  # --- Link b2: veth pair eth0 on cp-b2 <-> cp-b2-p on cpbr-b ---
  ip link add name eth0 netns cp-b2 type veth peer name cp-b2-p
  ip link set dev cp-b2-p alias netplumb:campus:b2:b
  ip link set dev cp-b2-p master cpbr-b
  ip link set dev cp-b2-p up
  ip -n cp-b2 link set dev eth0 alias netplumb:campus:b2:a
  ip -n cp-b2 address add 10.100.2.12/24 dev eth0
  ip -n cp-b2 link set dev eth0 up

  # --- Link b3: veth pair eth0 on cp-b3 <-> cp-b3-p on cpbr-b ---
  ip link add name eth0 netns cp-b3 type veth peer name cp-b3-p
  ip link set dev cp-b3-p alias netplumb:campus:b3:b
  ip link set dev cp-b3-p master cpbr-b
  ip link set dev cp-b3-p up
  ip -n cp-b3 link set dev eth0 alias netplumb:campus:b3:a
  ip -n cp-b3 address add 10.100.2.13/24 dev eth0
  ip -n cp-b3 link set dev eth0 up

  # --- Link b4: veth pair eth0 on cp-b4 <-> cp-b4-p on cpbr-b ---
  ip link add name eth0 netns cp-b4 type veth peer name cp-b4-p
  ip link set dev cp-b4-p alias netplumb:campus:b4:b
  ip link set dev cp-b4-p master cpbr-b
  ip link set dev cp-b4-p up
  ip -n cp-b4 link set dev eth0 alias netplumb:campus:b4:a
  ip -n cp-b4 address add 10.100.2.14/24 dev eth0
  ip -n cp-b4 link set dev eth0 up

  # --- Link c1: veth pair eth0 on cp-c1 <-> cp-c1-p on cpbr-c ---
  ip link add name eth0 netns cp-c1 type veth peer name cp-c1-p
  ip link set dev cp-c1-p alias netplumb:campus:c1:b
  ip link set dev cp-c1-p master cpbr-c
  ip link set dev cp-c1-p up
  ip -n cp-c1 link set dev eth0 alias netplumb:campus:c1:a
  ip -n cp-c1 address add 10.100.3.11/24 dev eth0
  ip -n cp-c1 link set dev eth0 up

  # --- Link c2: veth pair eth0 on cp-c2 <-> cp-c2-p on cpbr-c ---
  ip link add name eth0 netns cp-c2 type veth peer name cp-c2-p
  ip link set dev cp-c2-p alias netplumb:campus:c2:b
  ip link set dev cp-c2-p master cpbr-c
  ip link set dev cp-c2-p up
  ip -n cp-c2 link set dev eth0 alias netplumb:campus:c2:a
  ip -n cp-c2 address add 10.100.3.12/24 dev eth0
  ip -n cp-c2 link set dev eth0 up

  # --- Link c3: veth pair eth0 on cp-c3 <-> cp-c3-p on cpbr-c ---
  ip link add name eth0 netns cp-c3 type veth peer name cp-c3-p
  ip link set dev cp-c3-p alias netplumb:campus:c3:b
  ip link set dev cp-c3-p master cpbr-c
  ip link set dev cp-c3-p up
  ip -n cp-c3 link set dev eth0 alias netplumb:campus:c3:a
  ip -n cp-c3 address add 10.100.3.13/24 dev eth0
  ip -n cp-c3 link set dev eth0 up

  # --- Link c4: veth pair eth0 on cp-c4 <-> cp-c4-p on cpbr-c ---
  ip link add name eth0 netns cp-c4 type veth peer name cp-c4-p
  ip link set dev cp-c4-p alias netplumb:campus:c4:b
  ip link set dev cp-c4-p master cpbr-c
  ip link set dev cp-c4-p up
  ip -n cp-c4 link set dev eth0 alias netplumb:campus:c4:a
  ip -n cp-c4 address add 10.100.3.14/24 dev eth0
  ip -n cp-c4 link set dev eth0 up

  # --- Routes of cp-core ---
  ip -n cp-core route replace default via 10.255.0.2

  # --- Routes of cp-isp ---
  ip -n cp-isp route replace 10.100.0.0/16 via 10.255.0.1

  # --- Routes of cp-a1 ---
  ip -n cp-a1 route replace default via 10.100.1.1

  # --- Routes of cp-a2 ---
  ip -n cp-a2 route replace default via 10.100.1.1

  # --- Routes of cp-a3 ---
  ip -n cp-a3 route replace default via 10.100.1.1

  # --- Routes of cp-a4 ---
  ip -n cp-a4 route replace default via 10.100.1.1

  # --- Routes of cp-b1 ---
  ip -n cp-b1 route replace default via 10.100.2.1

  # --- Routes of cp-b2 ---
  ip -n cp-b2 route replace default via 10.100.2.1

  # --- Routes of cp-b3 ---
  ip -n cp-b3 route replace default via 10.100.2.1

  # --- Routes of cp-b4 ---
  ip -n cp-b4 route replace default via 10.100.2.1

  # --- Routes of cp-c1 ---
  ip -n cp-c1 route replace default via 10.100.3.1

  # --- Routes of cp-c2 ---
  ip -n cp-c2 route replace default via 10.100.3.1

  # --- Routes of cp-c3 ---
  ip -n cp-c3 route replace default via 10.100.3.1

  # --- Routes of cp-c4 ---
  ip -n cp-c4 route replace default via 10.100.3.1
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
  delete_link '' cpbr-a netplumb:campus:bridge:cpbr-a
  delete_link '' cpbr-b netplumb:campus:bridge:cpbr-b
  delete_link '' cpbr-c netplumb:campus:bridge:cpbr-c
  delete_link '' cp-core-a netplumb:campus:core-a:b
  delete_link '' cp-core-b netplumb:campus:core-b:b
  delete_link '' cp-core-c netplumb:campus:core-c:b
  delete_link '' cp-a1-p netplumb:campus:a1:b
  delete_link '' cp-a2-p netplumb:campus:a2:b
  delete_link '' cp-a3-p netplumb:campus:a3:b
  delete_link '' cp-a4-p netplumb:campus:a4:b
  delete_link '' cp-b1-p netplumb:campus:b1:b
  delete_link '' cp-b2-p netplumb:campus:b2:b
  delete_link '' cp-b3-p netplumb:campus:b3:b
  delete_link '' cp-b4-p netplumb:campus:b4:b
  delete_link '' cp-c1-p netplumb:campus:c1:b
  delete_link '' cp-c2-p netplumb:campus:c2:b
  delete_link '' cp-c3-p netplumb:campus:c3:b
  delete_link '' cp-c4-p netplumb:campus:c4:b
  delete_netns cp-core
  delete_netns cp-isp
  delete_netns cp-a1
  delete_netns cp-a2
  delete_netns cp-a3
  delete_netns cp-a4
  delete_netns cp-b1
  delete_netns cp-b2
  delete_netns cp-b3
  delete_netns cp-b4
  delete_netns cp-c1
  delete_netns cp-c2
  delete_netns cp-c3
  delete_netns cp-c4
}

status() {
  local ns
  for ns in cp-core cp-isp cp-a1 cp-a2 cp-a3 cp-a4 cp-b1 cp-b2 cp-b3 cp-b4 cp-c1 cp-c2 cp-c3 cp-c4; do
    if [ -e "/run/netns/$ns" ]; then echo "present  $ns"; else echo "missing  $ns"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
