#!/usr/bin/env bash
# TCP between two namespaces on one bridge, wired as a vse private network on one host is
# (a fabric namespace with bridge vse0, a veth pair per "instance", eth0 inside), with both ends of
# every veth at MTU 1500 (before) and 65535 (PrivateNetwork.MtuFor on one host), alternated per round:
#   bulk     iperf3, one connection, SIZE MiB (default 256): MB/s at the receiver
#   halo     64 KiB messages answered by 8-byte ones, 2,000 round trips (a halo exchange's shape; two
#            Python processes, TCP_NODELAY): ms per round trip
# Reported: the median over rounds per arm and 65535 against 1500; the load average before and after.
# This measures the kernel path alone (no vse, no MPI): bench/lammps.sh measures LAMMPS over vse's network.
# Usage (root): bench/veth-mtu.sh [ROUNDS (default 5)] [SIZE_MIB]; needs iperf3 and python3 (scripts/install-deps.sh).
set -euo pipefail
rounds=${1:-5}
size=${2:-256}
py=$(command -v python3)
iperf3=$(command -v iperf3)
ns=vse-mtu-bench
cleanup() { for n in f a b; do ip netns del $ns-$n 2>/dev/null || true; done; }
trap cleanup EXIT

setup() {  # MTU
    cleanup
    for n in f a b; do ip netns add $ns-$n; done
    ip -n $ns-f link add vse0 type bridge
    ip -n $ns-f link set vse0 up
    local i=1
    for n in a b; do
        ip -n $ns-f link add v$i mtu "$1" type veth peer name eth0 mtu "$1" netns $ns-$n
        ip -n $ns-f link set v$i master vse0 up
        ip -n $ns-$n addr add 10.99.0.$i/24 dev eth0
        ip -n $ns-$n link set eth0 up
        ip -n $ns-$n link set lo up
        i=$((i + 1))
    done
}

# halo: the answering side, then the timing side.
serve='
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("10.99.0.2", 5000)); s.listen(1)
print("ready", flush=True)
c, _ = s.accept(); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
for _ in range(2000):
    need = 65536
    while need: need -= len(c.recv(need))
    c.sendall(b"8bytes!!")
'
send='
import socket, time
c = socket.create_connection(("10.99.0.2", 5000)); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
msg = b"h" * 65536
t = time.perf_counter()
for _ in range(2000):
    c.sendall(msg)
    need = 8
    while need: need -= len(c.recv(need))
print("%.3f" % ((time.perf_counter() - t) / 2000 * 1e3))
'
received='import json, sys; print("%.1f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 8e6))'

run() {  # MODE -> the measure
    if [ "$1" = bulk ]; then
        ip netns exec $ns-b "$iperf3" -s -1 -B 10.99.0.2 -D -I /tmp/$ns.pid
        sleep 0.2  # -D returns before the server listens; the client retries nothing
        ip netns exec $ns-a "$iperf3" -c 10.99.0.2 -n "${size}M" -J | "$py" -c "$received"
        return
    fi
    coproc S { ip netns exec $ns-b "$py" -c "$serve"; }
    local server=$S_PID  # bash unsets S_PID when the coprocess ends
    read -r ready <&"${S[0]}"
    ip netns exec $ns-a "$py" -c "$send"
    wait "$server" 2>/dev/null || true
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
declare -A res
for ((r = 1; r <= rounds; r++)); do
    # Rotating order: drift on a shared machine falls on both arms alike.
    order=(1500 65535); ((r % 2)) || order=(65535 1500)
    for mtu in "${order[@]}"; do
        setup "$mtu"
        for mode in bulk halo; do
            v=$(run $mode)
            res[$mode-$mtu]+="$v "
            echo "round $r mtu $mtu $mode $v" >&2
        done
    done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "| measure | MTU 1500 | MTU 65535 | 65535 / 1500 |"
echo "|---|---|---|---|"
for mode in bulk halo; do
    a=$(tr ' ' '\n' <<< "${res[$mode-1500]}" | grep . | median)
    b=$(tr ' ' '\n' <<< "${res[$mode-65535]}" | grep . | median)
    unit=$([ $mode = bulk ] && echo "MB/s" || echo "ms per 64 KiB round trip")
    echo "| $mode ($unit, median of $rounds) | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", b / a}') |"
done
