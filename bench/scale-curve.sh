#!/usr/bin/env bash
# Scale curve (issue 17 item 6): `vse deploy -n N --runtime vse-launch` of a busybox description,
# without a network and with a private one, for each N; per deploy: seconds to ready (the whole
# command), seconds for `vse cleanup`, memory per instance (MemAvailable drop / N, 1 s after
# start) and kernel slab per instance (Slab drop / N), CPU per instance (the deploy command and the
# launcher in a cgroup of the bench's own, plus vse's instance groups: their set-up runs there;
# user and system time of every core, so it compares under load where wall time does not; other
# instances under vse's groups meanwhile count too), the same system-wide (busy time of every
# core in /proc/stat, kernel threads, interrupts and every process on the host included: what
# the instances really cost only when nothing else runs), over the deploy and over the cleanup
# (the cleanup command runs in the bench's cgroup too: its CPU and the instances' ends are counted
# as the deploy's are), and the load average next to each row.
# Several vse builds side by side, interleaved per N (VSES="NAME=PATH ..."; default: a native-AOT
# publish of this tree). After every cleanup it checks that nothing is left: no instance process,
# no cgroup under */vse/, no network namespace or fabric of the deployment.
# With PERF=DIR, each deploy runs under `perf record -g` (the launcher and its instances are its
# children) into DIR/deploy-N-NETWORK-BUILD.data: times are then perf's too, so compare profiles,
# not rows (`perf report -i FILE --no-children --sort sym`).
# With TMPFS_RUN="NAME...", the rows of those builds keep the instances' state directories (vse's
# run/, the overlays' upper and work among them) on a tmpfs mounted there for the row: what
# ext4 costs against memory (a build may be named twice, "a=/x/vse a-tmpfs=/x/vse").
# With PERF_SYSTEM=DIR, `perf record -a -g` runs over each deploy and each cleanup (every core:
# kernel threads, RCU, interrupts and the other processes too) into
# DIR/{deploy,cleanup}-N-NETWORK-BUILD.data: what the system-wide column counts, symbol by symbol
# (perf's own CPU is then in that column too: compare profiles, samples / N, not rows).
# With WRITES="NAME...", the rows of those builds deploy the description with `deploy: {writes: memory}`
# (the instances' state directories in a tmpfs of the deployment's own, docs/runtime.md): what the
# data directory's file system costs against memory, one build named twice ("a=/x/vse a-mem=/x/vse").
# MODES names the rows' networks: none, private, and shared (network: {mode: none, loopback: shared}:
# the deployment's instances in one network namespace, docs/runtime.md).
# The cleanup's system-wide CPU is read once the cores have settled (busy under 5 % over half a
# second, at most 2 minutes after the command): the kernel releases network namespaces in its own
# threads after the last process of one is gone, which would otherwise land in the next row.
# Host limits that the largest N would hit (kernel.pid_max: an instance is one task, and the host
# and the other builds' leftovers need room too; threads-max; user.max_*_namespaces; the open-file
# limit of the script's own processes) are raised for the run only when they are too low, each
# change printed, and every host setting restored by the exit trap.
#   usage (root, repository root): [VSES="before=/a/vse after=/b/vse"] [MODES="none private shared"] [PERF=DIR] [PERF_SYSTEM=DIR] [TMPFS_RUN="after"] [WRITES="after"] bench/scale-curve.sh N...
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
[ "$(id -u)" -eq 0 ] || { echo "bench/scale-curve.sh needs root (cgroups, network namespaces)" >&2; exit 2; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1024 2048 4096)
modes=(${MODES:-none private})
work=$(mktemp -d -t vse-scale-curve-XXXXXX)
export VSE_HOME=$work/home
if [ -z "${VSES:-}" ]; then VSES="this=$(publish_vse "$work")"; fi
read -r -a builds <<< "$VSES"
first=${builds[0]#*=}
declare -A host_settings=()  # sysctl key -> its value before this run, for the ones raised
perf_pid=
cleanup() {
  set +e
  [ -z "$perf_pid" ] || { kill -INT "$perf_pid"; wait "$perf_pid"; }
  for b in "${builds[@]}"; do
    for dep in $("${b#*=}" ps 2>/dev/null | awk 'NR > 1 {print $1}' | sort -u); do "${b#*=}" cleanup "$dep" >/dev/null 2>&1; done
  done
  umount "$VSE_HOME/run" 2>/dev/null
  rm -rf "$work"
  rmdir "${bench_group:-}" 2>/dev/null
  for key in "${!host_settings[@]}"; do
    sysctl -q -w "$key=${host_settings[$key]}" && say "restored $key = ${host_settings[$key]}"
  done
}
trap cleanup EXIT

# raise_at_least KEY VALUE -> sets sysctl KEY to VALUE for this run if it is lower, remembering the old value
raise_at_least() {
  local now
  now=$(sysctl -n "$1")
  [ "$now" -lt "$2" ] || return 0
  host_settings[$1]=$now
  sysctl -q -w "$1=$2"
  say "raised $1 from $now to $2 for this run (restored at exit)"
}
largest=$(printf '%s\n' "${sizes[@]}" | sort -n | tail -1)
tasks_now=$(ps -eL --no-headers | wc -l)
# An instance is one task (its init) on every path here; twice the largest N over what runs now leaves
# room for the launcher's, vse's and the other sessions' tasks during the deploy.
raise_at_least kernel.pid_max $(( tasks_now + 2 * largest + 4096 ))
raise_at_least kernel.threads-max $(( tasks_now + 2 * largest + 4096 ))
for kind in user pid net mnt ipc uts cgroup time; do
  [ ! -f "/proc/sys/user/max_${kind}_namespaces" ] || raise_at_least "user.max_${kind}_namespaces" $(( 2 * largest + 4096 ))
done
# The open-file limit: the soft one up to what is needed, as far as the hard one allows (raising the hard
# one needs CAP_SYS_RESOURCE, which a container's root may lack).
files_hard=$(ulimit -Hn) files_need=$(( 2 * largest + 4096 ))
[ "$files_hard" = unlimited ] || [ "$files_hard" -ge "$files_need" ] || files_need=$files_hard
if [ "$(ulimit -Sn)" != unlimited ] && [ "$(ulimit -Sn)" -lt "$files_need" ]; then
  ulimit -Sn "$files_need" && say "open files of this run's processes: $(ulimit -Sn)"
fi

kib() { awk -v k="^$1:" '$0 ~ k {print $2}' /proc/meminfo; }
# CPU nanoseconds ever charged to a group and its descendants (removed ones included): v1 cpuacct, v2 cpu.stat.
if [ -d /sys/fs/cgroup/cpuacct ]; then cgcpu=/sys/fs/cgroup/cpuacct; else cgcpu=/sys/fs/cgroup; fi
# Busy milliseconds of all cores since boot, system-wide: every /proc/stat "cpu" field but idle and iowait (guest time is in user already).
busy_ms() { awk -v hz="$(getconf CLK_TCK)" '$1 == "cpu" {printf "%.0f\n", ($2 + $3 + $4 + $7 + $8 + $9) * 1000 / hz; exit}' /proc/stat; }
cpu_ns() { if [ -f "$1/cpuacct.usage" ]; then cat "$1/cpuacct.usage"; elif [ -f "$1/cpu.stat" ]; then awk '$1 == "usage_usec" {printf "%.0f\n", $2 * 1000}' "$1/cpu.stat"; else echo 0; fi; }
bench_group=$cgcpu/vse-scale-curve-$$
mkdir "$bench_group"
for mode in "${modes[@]}"; do
  case $mode in
    shared) network='{mode: none, loopback: shared}' ;;
    *) network="{mode: $mode}" ;;
  esac
  printf 'vse: 1\nname: curve/%s\nos: {base: busybox}\nnetwork: %s\n' "$mode" "$network" > "$work/$mode.vse.yaml"
  "$first" build "$work/$mode.vse.yaml" >/dev/null
  if [ -n "${WRITES:-}" ]; then
    printf 'deploy: {writes: memory}\n' | cat "$work/$mode.vse.yaml" - > "$work/$mode-memory.vse.yaml"
    for b in "${builds[@]}"; do [[ " $WRITES " != *" ${b%%=*} "* ]] || { "${b#*=}" build "$work/$mode-memory.vse.yaml" >/dev/null; break; }; done
  fi
done

# Leftovers of deployment DEP after its cleanup, one line each (none: empty).
leftovers() {
  # Only this deployment's inits: their groups are named after it (another session's are not ours to count).
  { for p in $(pgrep -f '^vse-init$'); do grep -qF "$1" "/proc/$p/cgroup" 2>/dev/null && echo "$p"; done \
      | wc -l | grep -v '^0$' | sed 's/^/vse-init processes: /'
    find /sys/fs/cgroup/*/vse /sys/fs/cgroup/vse -mindepth 1 -maxdepth 2 -type d -name "*$1*" 2>/dev/null | head -3  # depth 2: v2's vse/unlimited-memory/ID
    ip netns list | grep -F "$1" | head -3
    grep -F "/run/$1 " /proc/self/mountinfo | head -3; } || true
}

# Returns once both cores together were busy under 50 ms in half a second (at most 2 minutes).
settle() {
  local a b i
  for i in $(seq 240); do
    a=$(busy_ms); sleep 0.5; b=$(busy_ms)
    [ $(( b - a )) -ge 50 ] || return 0
  done
}

# system_profile PHASE ROW / end_system_profile: perf record -a over one phase when PERF_SYSTEM is set
system_profile() {
  [ -n "${PERF_SYSTEM:-}" ] || return 0
  perf record -q -a -g -F 499 -o "$PERF_SYSTEM/$1-$2.data" >/dev/null 2>&1 &
  perf_pid=$!
  sleep 1  # perf has opened its events on every core before the phase starts
}
end_system_profile() {
  [ -n "$perf_pid" ] || return 0
  kill -INT "$perf_pid"; wait "$perf_pid" || true
  perf_pid=
}

say "N = ${sizes[*]}, builds: ${builds[*]}, modes: ${modes[*]}"
echo "| N | build | network | ready (s) | ms per instance | CPU ms per instance | system-wide CPU ms per instance | cleanup (s) | CPU ms per instance, cleanup | system-wide CPU ms per instance, cleanup | MiB per instance (MemAvailable) | KiB slab per instance | load average (1 min) before, after |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for n in "${sizes[@]}"; do
  for mode in "${modes[@]}"; do
    for b in "${builds[@]}"; do
      name=${b%%=*} vse=${b#*=}
      on_tmpfs=no
      if [[ " ${TMPFS_RUN:-} " == *" $name "* ]]; then on_tmpfs=yes; mkdir -p "$VSE_HOME/run"; mount -t tmpfs -o mode=0700 vse-scale-curve "$VSE_HOME/run"; fi
      description=$work/$mode.vse.yaml
      [[ " ${WRITES:-} " != *" $name "* ]] || description=$work/$mode-memory.vse.yaml
      system_profile deploy "$n-$mode-$name"
      load0=$(cut -d' ' -f1 /proc/loadavg)
      mkdir -p "$cgcpu/vse"  # vse makes it with the first instance: there from the start, so none of its CPU is missed
      m0=$(kib MemAvailable) s0=$(kib Slab) c0=$(( $(cpu_ns "$bench_group") + $(cpu_ns "$cgcpu/vse") )) b0=$(busy_ms) t0=$(date +%s.%N)
      profile=()
      [ -z "${PERF:-}" ] || profile=(perf record -q -F 499 -g -o "$PERF/deploy-$n-$mode-$name.data" --)
      dep=$(sh -c 'echo $$ > "$0/cgroup.procs"; shift; exec "$@"' "$bench_group" - \
        "${profile[@]}" "$vse" deploy "$description" --instances "$n" --runtime vse-launch)
      t1=$(date +%s.%N) b1=$(busy_ms) c1=$(( $(cpu_ns "$bench_group") + $(cpu_ns "$cgcpu/vse") ))
      end_system_profile; sleep 1
      m1=$(kib MemAvailable) s1=$(kib Slab)
      system_profile cleanup "$n-$mode-$name"
      c2=$(( $(cpu_ns "$bench_group") + $(cpu_ns "$cgcpu/vse") )) b2=$(busy_ms) t2=$(date +%s.%N)
      sh -c 'echo $$ > "$0/cgroup.procs"; shift; exec "$@"' "$bench_group" - "$vse" cleanup "$dep" >/dev/null
      t3=$(date +%s.%N) c3=$(( $(cpu_ns "$bench_group") + $(cpu_ns "$cgcpu/vse") ))
      settle; b3=$(busy_ms)
      end_system_profile
      left=$(leftovers "$dep")
      [ -z "$left" ] || say "after cleanup of $dep ($name, N=$n, $mode): $left"
      [ $on_tmpfs = no ] || umount "$VSE_HOME/run"
      printf '| %s | %s | %s | %.1f | %.2f | %.2f | %.2f | %.1f | %.2f | %.2f | %.2f | %d | %s, %s |\n' "$n" "$name" "$mode" \
        "$(echo "$t1 - $t0" | bc)" "$(echo "($t1 - $t0) * 1000 / $n" | bc -l)" "$(echo "($c1 - $c0) / 1000000 / $n" | bc -l)" \
        "$(echo "($b1 - $b0) / $n" | bc -l)" "$(echo "$t3 - $t2" | bc)" "$(echo "($c3 - $c2) / 1000000 / $n" | bc -l)" "$(echo "($b3 - $b2) / $n" | bc -l)" \
        "$(echo "($m0 - $m1) / 1024 / $n" | bc -l)" $(( (s1 - s0) / n )) "$load0" "$(cut -d' ' -f1 /proc/loadavg)"
    done
  done
done
