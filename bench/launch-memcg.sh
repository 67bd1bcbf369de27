#!/usr/bin/env bash
# The bulk launcher alone, a memory cgroup per instance vs a shared one (issue 17 item 6):
# N instances of `vse-launch --init` over one busybox image, in the seven v1 hierarchies vse
# gives them (memory cpu cpuacct pids freezer devices blkio), once with `--cgroup-root` in all
# (a memory group each: what vse did before) and once with the memory hierarchy given by
# `--cgroup-join` (one shared group: what vse does now without a memory limit), interleaved per N.
# Per run: seconds until every init runs, CPU per instance (cpuacct of the launcher and its
# instances), MemAvailable drop and Slab growth per instance (1 s after start), seconds to tear
# down (SIGKILL, rmdir the groups, remove state), memory cgroups the kernel still counts after.
# ARMS picks and orders the variants (default "each shared"): each = a memory group each, shared =
# one shared memory group, sysfs = shared plus one sysfs for all instances (--sysfs-netns, branch
# scale3: no new sysfs superblock per instance). With PERF=DIR each run is also recorded by
# `perf record -g` (the launcher and its instances) into DIR/launch-N-ARM.data (times are then perf's too: compare profiles).
#   usage (root, repository root, cgroup v1): [ARMS="shared sysfs"] [PERF=DIR] bench/launch-memcg.sh N...     (default: 1024 4096)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench/launch-memcg.sh needs root" >&2; exit 2; }
[ -f /sys/fs/cgroup/memory/cgroup.procs ] || { echo "bench/launch-memcg.sh needs the v1 memory hierarchy" >&2; exit 2; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1024 4096)
launcher=${VSE_LAUNCH:-$PWD/native/vse-launch/vse-launch}
[ -x "$launcher" ] || make -s -C native/vse-launch >&2
work=$(mktemp -d -t vse-launch-memcg-XXXXXX)
hierarchies=(memory cpu cpuacct pids freezer devices blkio)
group=vse-launch-memcg-$$
teardown() {  # kills what the last run started and removes its groups and state
  [ -f "$work/pids" ] && xargs -r kill -9 < "$work/pids" 2>/dev/null
  for h in "${hierarchies[@]}"; do
    for _ in $(seq 600); do
      find "/sys/fs/cgroup/$h/$group/run" -mindepth 1 -maxdepth 1 -type d -exec rmdir {} + 2>/dev/null && break
      sleep 0.05
    done
  done
  rm -rf "$work/s" "$work/pids"
}
cleanup() {
  set +e
  teardown
  for h in "${hierarchies[@]}"; do rmdir "/sys/fs/cgroup/$h/$group/run" "/sys/fs/cgroup/$h/$group" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
image=$work/image
mkdir -p "$image/bin" "$image/proc" "$image/sys" "$image/dev" "$image/etc" "$image/tmp"
cp /bin/busybox "$image/bin/" && chroot "$image" /bin/busybox --install -s /bin
printf '127.0.0.1 localhost\n' > "$work/hosts"
for h in "${hierarchies[@]}"; do mkdir -p "/sys/fs/cgroup/$h/$group/run"; done
kib() { awk -v k="^$1:" '$0 ~ k {print $2}' /proc/meminfo; }

run() {  # N ARM(each|shared|sysfs) -> a table row
  local n=$1 arm=$2 args=() h i profile=()
  for h in "${hierarchies[@]}"; do
    if [ "$h" = memory ] && [ "$arm" != each ]; then args+=(--cgroup-join "/sys/fs/cgroup/$h/$group/run"); else args+=(--cgroup-root "/sys/fs/cgroup/$h/$group/run"); fi
  done
  [ "$arm" != sysfs ] || args+=(--sysfs-netns /run/netns/vse-sysfs)
  [ -z "${PERF:-}" ] || profile=(perf record -q -F 499 -g -o "$PERF/launch-$n-$arm.data" --)
  mkdir -p "$work/s"
  for ((i = 0; i < n; i++)); do mkdir -p "$work/s/$i/upper" "$work/s/$i/work" "$work/s/$i/rootfs"; printf 'm-%d\tnode%d\t%s\t%s\n' "$i" "$i" "$image" "$work/s/$i"; done > "$work/in"
  local load0 m0 s0 c0 t0 t1 c1 m1 s1 t2 t3 errors
  load0=$(cut -d' ' -f1 /proc/loadavg)
  m0=$(kib MemAvailable) s0=$(kib Slab) c0=$(cat "/sys/fs/cgroup/cpuacct/$group/cpuacct.usage") t0=$(date +%s.%N)
  # The launcher in the cpuacct group too: its CPU counts with its instances'.
  "${profile[@]}" sh -c 'echo $$ > "$0/cgroup.procs"; shift; exec "$@"' "/sys/fs/cgroup/cpuacct/$group" - "$launcher" --bind "$work/hosts:/etc/hosts" "${args[@]}" --env PATH=/bin --init < "$work/in" > "$work/out" || true
  t1=$(date +%s.%N) c1=$(cat "/sys/fs/cgroup/cpuacct/$group/cpuacct.usage")
  sleep 1
  m1=$(kib MemAvailable) s1=$(kib Slab)
  errors=$(grep -c $'\terror\t' "$work/out" || true)
  cut -f2 "$work/out" | grep -E '^[0-9]+$' > "$work/pids" || true
  t2=$(date +%s.%N); teardown; t3=$(date +%s.%N)
  printf '| %s | %s | %.1f | %.1f | %.0f | %.0f | %.1f | %s | %s | %s, %s |\n' "$n" "$arm" \
    "$(echo "$t1 - $t0" | bc)" "$(echo "($c1 - $c0) / 1000000 / $n" | bc -l)" "$(echo "($m0 - $m1) / $n" | bc -l)" "$(echo "($s1 - $s0) / $n" | bc -l)" \
    "$(echo "$t3 - $t2" | bc)" "$errors" "$(awk '$1 == "memory" {print $3}' /proc/cgroups)" "$load0" "$(cut -d' ' -f1 /proc/loadavg)"
}
echo "| N | arm | up (s) | CPU ms per instance | KiB per instance (MemAvailable) | KiB slab per instance | teardown (s) | errors | memory cgroups after | load average before, after |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
read -r -a arms <<< "${ARMS:-each shared}"
for n in "${sizes[@]}"; do for arm in "${arms[@]}"; do run "$n" "$arm"; done; done
