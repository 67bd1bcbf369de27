#!/usr/bin/env bash
# A real multi-node Slurm cluster on one machine, for tests and demos (docs/slurm.md).
#
#   scripts/slurm-testbed.sh up N     munge, slurmctld and N slurmd (nodes n1..nN), one network
#                                     namespace per node; waits until sinfo shows N idle nodes and
#                                     prints the environment to use (export SLURM_CONF=...)
#   scripts/slurm-testbed.sh down     removes everything 'up' made: daemons (by recorded pid),
#                                     veths, namespaces, bridge, state directory
#   scripts/slurm-testbed.sh env      prints the environment of a running testbed
#
# Needs root, slurm-wlm, munge and iproute2 (scripts/install-deps.sh). The state directory is
# $VSE_SLURM_TESTBED (default /tmp/vse-slurm-testbed). Addresses: bridge 10.78.0.1/24 in the root
# namespace (slurmctld listens there), node K at 10.78.0.(10+K) in namespace vse-slurm-nK; no traffic
# leaves these namespaces. 'up' on a running testbed of the same size restarts any slurmd that died,
# waits until all nodes are idle again and prints its environment.
#
# Each slurmd starts as 'nsenter --net=... unshare --uts sh -c "hostname nK; exec slurmd -D -N nK"',
# not with 'ip netns exec': that remounts /sys and slurmd then finds no cgroup file system.
set -euo pipefail

state=${VSE_SLURM_TESTBED:-/tmp/vse-slurm-testbed}
bridge=vseslurm0
# Not 10.77: the private-network tests and examples use 10.77.0.0/16 inside their fabric namespaces.
subnet_prefix=10.78.0
max_nodes=20

die() { echo "slurm-testbed: $*" >&2; exit 1; }

usage() { die "usage: $0 up N | down | env"; }

need_root_and_tools() {
  [ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, daemons)"
  for tool in slurmctld slurmd munged mungekey sinfo ip nsenter unshare; do
    command -v "$tool" >/dev/null || die "'$tool' is not installed; run scripts/install-deps.sh"
  done
}

print_env() {
  echo "export SLURM_CONF=$state/slurm.conf"
}

# The pid recorded in FILE, if that process still runs.
live_pid() {
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

stop_pid_file() {
  local pid
  if pid=$(live_pid "$1"); then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$1"
}

down() {
  need_root_and_tools
  # Jobs first (their steps run under slurmstepd, children of no daemon we record), then the daemons.
  if [ -f "$state/slurm.conf" ] && live_pid "$state/slurmctld.pid" >/dev/null; then
    SLURM_CONF=$state/slurm.conf scancel --full --quiet --user=root 2>/dev/null || true
  fi
  local pidfile
  for pidfile in "$state"/slurmd-*.pid; do
    [ -e "$pidfile" ] && stop_pid_file "$pidfile"
  done
  # slurmstepd processes of jobs that were still running: each belongs to a node of this testbed
  # (its spool directory is ours), found by the open spool directory, never by name alone.
  local pid
  for pid in $(pgrep -x slurmstepd || true); do
    if [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$state/spool" ] || grep -qs "$state" "/proc/$pid/cmdline"; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  stop_pid_file "$state/slurmctld.pid"
  stop_pid_file "$state/munged.pid"
  local k
  for k in $(seq 1 $max_nodes); do
    ip link del "vses-n$k" 2>/dev/null || true
    ip netns del "vse-slurm-n$k" 2>/dev/null || true
  done
  ip link del "$bridge" 2>/dev/null || true
  rm -rf "$state"
}

up() {
  local n=$1
  [[ "$n" =~ ^[1-9][0-9]*$ ]] && [ "$n" -le $max_nodes ] || die "N must be a number from 1 to $max_nodes, not '$n'"
  need_root_and_tools
  if [ -f "$state/nodes" ] && live_pid "$state/slurmctld.pid" >/dev/null; then
    [ "$(cat "$state/nodes")" = "$n" ] || die "a testbed of $(cat "$state/nodes") nodes is up; run '$0 down' first"
    # Running: restart any slurmd that died (a test kills one), then wait for all nodes as below.
    export SLURM_CONF=$state/slurm.conf
    local k
    for k in $(seq 1 "$n"); do
      live_pid "$state/slurmd-n$k.pid" >/dev/null || start_slurmd "$k"
    done
    wait_idle "$n"
    print_env
    return 0
  fi
  # Leftovers of a testbed that died: remove them, then start clean.
  down
  mkdir -p "$state"/{munge,munge-key,spool,tmp,log}
  echo "$n" > "$state/nodes"

  # munge: one daemon serves every node (its socket is visible from every namespace).
  chown munge: "$state/munge" "$state/munge-key"
  chmod 0755 "$state/munge"
  chmod 0700 "$state/munge-key"
  su -s /bin/sh munge -c "mungekey -c -k '$state/munge-key/munge.key'"
  su -s /bin/sh munge -c "munged --key-file='$state/munge-key/munge.key' --socket='$state/munge/munge.socket' \
    --pid-file='$state/munge/munged.pid' --log-file='$state/munge/munged.log' --seed-file='$state/munge/munge.seed'"
  for _ in $(seq 50); do [ -S "$state/munge/munge.socket" ] && [ -s "$state/munge/munged.pid" ] && break; sleep 0.1; done
  [ -S "$state/munge/munge.socket" ] || die "munged did not start; see $state/munge/munged.log"
  cp "$state/munge/munged.pid" "$state/munged.pid"

  # The network: a bridge here, one namespace and veth per node.
  ip link add "$bridge" type bridge
  ip addr add "$subnet_prefix.1/24" dev "$bridge"
  ip link set "$bridge" up
  local k
  for k in $(seq 1 "$n"); do
    ip netns add "vse-slurm-n$k"
    ip link add "vses-n$k" type veth peer name eth0 netns "vse-slurm-n$k"
    ip link set "vses-n$k" master "$bridge" up
    ip -n "vse-slurm-n$k" addr add "$subnet_prefix.$((10 + k))/24" dev eth0
    ip -n "vse-slurm-n$k" link set eth0 up
    ip -n "vse-slurm-n$k" link set lo up
    mkdir -p "$state/spool/n$k" "$state/tmp/n$k"
  done

  # Each node claims an equal share of the machine's memory (slurmd drains a node that claims
  # more than the machine has): enough for examples/apps/mpi-ring's 2 x 2 GiB per node on 3 nodes
  # of a machine with 16 GB or more.
  local cpus=2 memory
  memory=$(awk -v n="$n" '/^MemTotal:/ {print int($2 / 1024 / n)}' /proc/meminfo)
  cat > "$state/slurm.conf" <<EOF
ClusterName=vsetest
SlurmctldHost=$(hostname)($subnet_prefix.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/munge/munge.socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MailProg=/bin/true
StateSaveLocation=$state/spool/ctld
SlurmdSpoolDir=$state/spool/%n
TmpFS=$state/tmp/%n
SlurmctldPidFile=$state/spool/ctld/slurmctld.pid
SlurmdPidFile=$state/spool/%n/slurmd.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd-%n.log
SlurmctldPort=6817
SlurmdPort=6818
KillWait=90
SlurmdTimeout=10
# slurmstepd then logs every signal it sends and to which process (vse, runc, ...): the tests'
# failure messages show the end of each node's log.
SlurmdDebug=debug
MinJobAge=300
NodeName=n[1-$n] NodeAddr=$subnet_prefix.[11-$((10 + n))] CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  mkdir -p "$state/spool/ctld"
  export SLURM_CONF=$state/slurm.conf

  setsid slurmctld -D -i -f "$SLURM_CONF" </dev/null >>"$state/log/slurmctld.out" 2>&1 &
  echo $! > "$state/slurmctld.pid"
  for k in $(seq 1 "$n"); do
    start_slurmd "$k"
  done
  wait_idle "$n"
  print_env
}

start_slurmd() {
  local k=$1
  setsid nsenter --net="/run/netns/vse-slurm-n$k" unshare --uts \
    sh -c "hostname n$k; exec slurmd -D -N n$k -f '$SLURM_CONF'" </dev/null >>"$state/log/slurmd-n$k.out" 2>&1 &
  echo $! > "$state/slurmd-n$k.pid"
}

# Ready when every node is idle; daemons that died are reported at once, not after the wait.
wait_idle() {
  local n=$1 idle=0 k
  for _ in $(seq 600); do
    idle=$(sinfo -h -t idle -o %D 2>/dev/null | awk '{s += $1} END {print s + 0}')
    [ "$idle" = "$n" ] && break
    live_pid "$state/slurmctld.pid" >/dev/null || die "slurmctld exited; see $state/log/slurmctld.log"
    for k in $(seq 1 "$n"); do
      live_pid "$state/slurmd-n$k.pid" >/dev/null || die "slurmd of n$k exited; see $state/log/slurmd-n$k.log"
    done
    sleep 0.1
  done
  [ "$idle" = "$n" ] || die "only $idle of $n nodes idle after 60 s; see $state/log"
}

# The daemons outlive this script: they must not inherit a descriptor of the caller's (a
# 'flock LOCK scripts/slurm-testbed.sh up' lock would stay held by munged until 'down').
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  if [ "$fd" -gt 2 ] && [ "$fd" -lt 255 ]; then eval "exec $fd>&-"; fi
done

case "${1:-}" in
  up) [ $# -eq 2 ] || usage; up "$2" ;;
  down) [ $# -eq 1 ] || usage; down ;;
  env) [ -f "$state/slurm.conf" ] || die "no testbed is up"; print_env ;;
  *) usage ;;
esac
