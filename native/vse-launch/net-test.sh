#!/bin/bash
# Tests vse-launch --fabric for real (root): a private fabric namespace with bridges, busybox
# instances plugged into it, then everything removed again. Traffic stays inside the namespaces
# made here.
#
#   net-test.sh check            4 instances on vse0 (--mtu 65535): addresses, 60,000-byte pings, fabric ports,
#                                no new link in the host's namespace, errors for bad lines
#   net-test.sh bench N [R]      N instances (vse0 holds 0-999, vse1 the rest, joined as vse does),
#                                without and with --fabric, alternated, R rounds (default 2);
#                                FABRIC_IPV6=off FABRIC_BRNF=off: the fabric settings vse makes
#
# Scratch under /tmp/net-test (busybox image from /usr/bin/busybox, state dirs); fabric vse-nettest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
L=$here/vse-launch
W=/tmp/net-test
FAB=vse-nettest
ENV=(--env PATH=/bin:/sbin:/usr/bin:/usr/sbin)
fail() { echo "FAIL: $*" >&2; exit 1; }

image() {
    [ -x $W/image/bin/busybox ] && return
    mkdir -p $W/image/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,etc,tmp}
    cp "${BUSYBOX:-/usr/bin/busybox}" $W/image/bin/busybox
    chroot $W/image /bin/busybox --install -s
}

# fabric BRIDGES: the namespace and its bridges, as PrivateNetwork.FabricBatch makes them
fabric() {
    ip netns add $FAB
    # FABRIC_IPV6=off: IPv6 disabled in the fabric (its ports then get no ff00::/8 route each)
    if [ "${FABRIC_IPV6:-on}" = off ]; then
        ip netns exec $FAB sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    fi
    # FABRIC_BRNF=off: bridged frames not through iptables/ip6tables/arptables (br_netfilter's
    # per-namespace default is on); with FABRIC_IPV6=off what PrivateNetwork.FabricSysctls sets
    if [ "${FABRIC_BRNF:-on}" = off ]; then
        ip netns exec $FAB sysctl -qew net.bridge.bridge-nf-call-iptables=0 net.bridge.bridge-nf-call-ip6tables=0 net.bridge.bridge-nf-call-arptables=0
    fi
    {
        echo "link set lo up"
        for ((b = 0; b < $1; b++)); do
            echo "link add vse$b type bridge"
            echo "link set vse$b addrgenmode none"
            echo "link set vse$b up"
            if ((b > 0)); then
                echo "link add up$b type veth peer name down$b"
                echo "link set up$b addrgenmode none master vse0 up"
                echo "link set down$b addrgenmode none master vse$b up"
            fi
        done
    } | ip -n $FAB -batch -
}

# states N: fresh state directories s0..s(N-1)
states() {
    rm -rf $W/s
    mkdir -p $W/s
    (cd $W/s && eval "mkdir -p s{0..$(($1 - 1))}/{upper,work,rootfs}")
}

# lines N NET: instance lines, with the three network fields if NET=1
lines() {
    for ((i = 0; i < $1; i++)); do
        if (($2)); then
            printf 'i%d\th%d\t%s/image\t%s/s/s%d\t10.210.%d.%d/16\tvse%d\tv%d\n' \
                $i $i $W $W $i $(((i + 1) / 256)) $(((i + 1) % 256)) $((i / ${PER_BRIDGE:-1000})) $i
        else
            printf 'i%d\th%d\t%s/image\t%s/s/s%d\n' $i $i $W $W $i
        fi
    done
}

# kill_all OUT: SIGKILL every init listed in OUT and wait until all are gone
kill_all() {
    local pids
    pids=$(awk -F'\t' '$2 ~ /^[0-9]+$/ {print $2}' "$1")
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
    for p in $pids; do while [ -e /proc/$p ]; do sleep 0.05; done; done
}

cleanup() {
    [ -f $W/out ] && kill_all $W/out
    ip netns delete $FAB 2>/dev/null || true
    rmdir $ACCT 2>/dev/null || true
    rm -rf $W/s $W/out
}
trap cleanup EXIT

# CPU time of the launcher and its instances (they inherit its cgroup: no --cgroup-root here),
# exact whatever else runs on the machine; empty without a cgroup v1 cpuacct hierarchy
ACCT=/sys/fs/cgroup/cpuacct/vse-nettest

# settle BASE: wait (max 1 min) until the kernel has freed the network namespaces of killed
# instances (asynchronous, after the processes are gone), so a run does not pay for the last
# one's: back near BASE, or no longer falling for 2 s (other users of the machine make their own)
netns_count() { cat /sys/kernel/slab/net_namespace/objects 2>/dev/null | cut -d' ' -f1; }
settle() {
    [ -n "$1" ] || return 0
    local last=-1 n stable=0
    for ((t = 0; t < 60 && stable < 2; t++)); do
        n=$(netns_count)
        ((n <= $1 + 16)) && return
        if ((n >= last && last >= 0)); then stable=$((stable + 1)); else stable=0; fi
        last=$n
        sleep 1
    done
}

pid_of() { awk -F'\t' -v id="$1" '$1 == id {print $2}' $W/out; }

check() {
    image
    ip -o link | cut -d: -f2 | sort > $W/links.before
    fabric 1
    states 6
    # --mtu: both ends at 65535 (vse's choice on one host), and a 60,000-byte ping crosses the bridge
    lines 4 1 | "$L" --fabric /run/netns/$FAB --mtu 65535 "${ENV[@]}" -- /bin/sleep 3600 > $W/out || fail "launch: $(cat $W/out)"
    [ "$(wc -l < $W/out)" = 4 ] || fail "expected 4 pid lines: $(cat $W/out)"
    for a in 0 3; do
        b=$((3 - a))
        "$L" exec "$(pid_of i$a)" -- /bin/ping -c1 -W1 -s 60000 10.210.0.$((b + 1)) > /dev/null || fail "ping i$a -> i$b"
    done
    [ "$("$L" exec "$(pid_of i1)" -- /bin/cat /sys/class/net/eth0/mtu)" = 65535 ] || fail "i1 eth0 mtu"
    [ "$(ip -n $FAB -o link | grep -c ' v[0-3]@.* mtu 65535 ')" = 4 ] || fail "fabric ports' mtu: $(ip -n $FAB -o link)"
    addr=$("$L" exec "$(pid_of i2)" -- /sbin/ip -o addr show dev eth0)
    grep -q 'inet 10.210.0.3/16' <<< "$addr" || fail "i2 eth0: $addr"
    ! grep -q inet6 <<< "$addr" || fail "i2 eth0 has an IPv6 address: $addr"
    ! ip -n $FAB -6 -o addr | grep -q ' v[0-9]' || fail "a fabric port has an IPv6 address"
    [ "$(ip -n $FAB -o link | grep -c ' v[0-3]@.* master vse0 state UP')" = 4 ] || fail "fabric ports: $(ip -n $FAB -o link)"
    ip -o link | cut -d: -f2 | sort | diff $W/links.before - || fail "the host's namespace has new links"
    # errors: peer name taken, bad fields, no such bridge, a bridge that is not one
    printf 'e0\th\t%s/image\t%s/s/s4\t10.210.0.9/16\tvse0\tv1\n' $W $W > $W/in
    printf 'e1\th\t%s/image\t%s/s/s4\t10.210.0.9/33\tvse0\tv9\n' $W $W >> $W/in
    printf 'e2\th\t%s/image\t%s/s/s4\t10.210.0.9/16\tnone\tv9\n' $W $W >> $W/in
    printf 'e3\th\t%s/image\t%s/s/s4\t10.210.0.9/16\tv0\tv9\n' $W $W >> $W/in
    printf 'e4\th\t%s/image\t%s/s/s4\n' $W $W >> $W/in
    printf 'e5\th\t%s/image\t%s/s/s4\t10.210.0.9/16\tvse0\ttoo-long-a-name0\n' $W $W >> $W/in
    ! "$L" --fabric /run/netns/$FAB "${ENV[@]}" -- /bin/true < $W/in > $W/err || fail "errors: exit 0"
    [ "$(grep -c $'\terror\t' $W/err)" = 6 ] || fail "errors: $(cat $W/err)"
    grep -q $'^e0\terror\tveth eth0/peer: File exists' $W/err || fail "e0: $(cat $W/err)"
    grep -q $'^e3\terror\tfabric peer master up: Operation not supported' $W/err || fail "e3: $(cat $W/err)"
    # --hold: the network is up while held
    coproc LN { "$L" --fabric /run/netns/$FAB --hold "${ENV[@]}" -- /bin/sleep 3600; }
    printf 'h5\th5\t%s/image\t%s/s/s5\t10.210.0.6/16\tvse0\tv5\n' $W $W >&"${LN[1]}"
    read -r -u "${LN[0]}" line
    echo "$line" >> $W/out
    "$L" exec "${line#*$'\t'}" -- /bin/ping -c1 -W1 10.210.0.1 > /dev/null || fail "ping from a held instance"
    echo "start h5" >&"${LN[1]}"
    read -r -u "${LN[0]}" line
    [ "$line" = $'h5\tstarted' ] || fail "start: $line"
    exec {LN[1]}>&-
    wait
    echo "check: ok"
}

# run N NET: one launch of N instances (no --hold: the launcher returns once every ARGV runs)
run() {
    local t0 t1 cpu base net=()
    base=$(netns_count)
    (($2)) && net=(--fabric /run/netns/$FAB)
    states "$1"
    lines "$1" "$2" > $W/in
    sync
    local wrap=()
    if [ -d "${ACCT%/*}" ] && mkdir -p $ACCT 2>/dev/null; then
        echo 0 > $ACCT/cpuacct.usage
        wrap=(sh -c 'echo $$ > '$ACCT'/cgroup.procs && exec "$@"' sh)
    fi
    t0=$(date +%s.%N)
    "${wrap[@]}" "$L" "${net[@]}" "${ENV[@]}" -- /bin/sleep 3600 < $W/in > $W/out || fail "launch: $(grep -m3 error $W/out)"
    t1=$(date +%s.%N)
    cpu=$( ((${#wrap[@]})) && echo "scale=2; $(cat $ACCT/cpuacct.usage) / 1000000000" | bc || echo "?")
    [ "$(grep -c $'\t[0-9]*$' $W/out)" = "$1" ] || fail "expected $1 pid lines"
    if (($2)); then
        # first and last instance, on different bridges (vse0, vse1 when N > 1000)
        "$L" exec "$(pid_of i0)" -- /bin/ping -c1 -W1 "$(awk -F'\t' 'END {sub("/.*", "", $5); print $5}' $W/in)" > /dev/null \
            || fail "ping i0 -> i$(($1 - 1))"
        ports=$(ip -n $FAB -o link | grep -c ' v[0-9]*@.* master vse')
        [ "$ports" = "$1" ] || fail "$ports fabric ports, expected $1"
    fi
    local t2 t3
    t2=$(date +%s.%N)
    kill_all $W/out
    t3=$(date +%s.%N)
    settle "$base"
    printf '%-8s N=%d  up %.2f s (CPU %s s)  teardown %.2f s\n' "$( (($2)) && echo fabric || echo plain)" "$1" \
        "$(echo "$t1 - $t0" | bc)" "$cpu" "$(echo "$t3 - $t2" | bc)"
    rm -rf $W/s $W/out
}

bench() {
    local n=$1 rounds=${2:-2}
    image
    fabric $(((n + ${PER_BRIDGE:-1000} - 1) / ${PER_BRIDGE:-1000}))
    for ((r = 0; r < rounds; r++)); do
        run "$n" 0
        run "$n" 1
    done
}

case "${1:-}" in
    check) check ;;
    bench) bench "${2:?N}" "${3:-2}" ;;
    *) echo "usage: $0 check | bench N [ROUNDS]" >&2; exit 2 ;;
esac
