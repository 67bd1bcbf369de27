#!/usr/bin/env bash
# The private network across Slurm nodes (VXLAN between the nodes' fabrics, docs/slurm.md) against
# the nodes' own network (the underlay), on the testbed (scripts/slurm-testbed.sh; root):
#   latency    busybox ping, COUNT pings 0.2 s apart: instance 0 (n1) to instance 1 (n2) by hostname,
#              then node n1 to node n2 (10.78.0.11 -> 10.78.0.12)
#   bandwidth  iperf3 -t SECONDS, one TCP stream, the same two paths: the host's iperf3 run in the
#              instances' own network namespaces (nsenter --net=/proc/PID/ns/net: exactly their
#              path, veth, bridge, VXLAN) and in the nodes' namespaces
# Usage: bench/slurm-net.sh [COUNT] [SECONDS]   (default: 50 pings, 10 s). Brings the testbed down at the end.
set -euo pipefail
count=${1:-50}
seconds=${2:-10}
[ "$(id -u)" -eq 0 ] || { echo "bench/slurm-net.sh: needs root (the testbed, sandboxes)" >&2; exit 1; }
repo=$(cd "$(dirname "$0")/.." && pwd)
vse=$repo/src/Vse.Cli/bin/Release/net10.0/vse
[ -x "$vse" ] || { echo "bench/slurm-net.sh: build first: dotnet build src/Vse.Cli -c Release" >&2; exit 1; }
command -v iperf3 >/dev/null || { echo "bench/slurm-net.sh: iperf3 is not installed (scripts/install-deps.sh)" >&2; exit 1; }
work=$(mktemp -d /tmp/vse-bench-slurm-net-XXXXXX)
eval "$("$repo/scripts/slurm-testbed.sh" up 2)"
export VSE_HOME=$work/home VSE_NODE_HOME=$work/nodes
dep=
cleanup() {
  [ -n "$dep" ] && "$vse" cleanup "$dep" >/dev/null 2>&1 || true
  "$repo/scripts/slurm-testbed.sh" down
  rm -rf "$work"
}
trap cleanup EXIT
printf 'vse: 1\nname: net\nextends: base/busybox\nnetwork: {mode: private}\nrun: "sleep 3600"\n' > "$work/net.vse.yaml"
read -r dep _ < <("$vse" submit "$work/net.vse.yaml" --nodes 2 --per-node 1)
for _ in $(seq 600); do
  [ "$(ls "$VSE_HOME/slurm/$dep/nodes/"*.ready 2>/dev/null | wc -l)" = 2 ] && break
  sleep 0.1
done

# The host PID of a node's instance: from the node's own records (vse ps with its data directory).
pid_on() {
  local record=$VSE_HOME/slurm/$dep/nodes/$1.json home local
  home=$(sed -n 's/.*"home": *"\([^"]*\)".*/\1/p' "$record")
  local=$(sed -n 's/.*"localDeploymentId": *"\([^"]*\)".*/\1/p' "$record")
  VSE_HOME=$home "$vse" ps | awk -v d="$local" '$1 == d {print $NF}'
}
in_instance() { local pid; pid=$(pid_on "$1"); shift; nsenter --net="/proc/$pid/ns/net" "$@"; }
on_node() { local node=$1; shift; nsenter --net="/run/netns/vse-slurm-$node" "$@"; }
rtt() { awk -F'/' '/min\/avg\/max/ {split($0, a, "= "); split(a[2], v, "/"); printf "%s / %s / %s", v[1], v[2], v[3]}'; }
rate() { awk '/receiver/ {print $7, $8}'; }

echo "latency, $count pings (min / avg / max ms):"
echo "  instance n1 -> instance n2 (VXLAN): $("$vse" exec "$dep/0" -- ping -c "$count" -i 0.2 net-1 | rtt)"
echo "  node n1 -> node n2 (underlay):      $(on_node n1 busybox ping -c "$count" -i 0.2 10.78.0.12 | rtt)"
echo "bandwidth, one TCP stream, $seconds s (receiver):"
in_instance n2 iperf3 -s -1 -D
on_node n2 iperf3 -s -1 -D -p 5202
sleep 0.5
echo "  instance n1 -> instance n2 (VXLAN): $(in_instance n1 iperf3 -c 10.210.0.2 -t "$seconds" | rate)"
echo "  node n1 -> node n2 (underlay):      $(on_node n1 iperf3 -c 10.78.0.12 -p 5202 -t "$seconds" | rate)"
