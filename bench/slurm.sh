#!/usr/bin/env bash
# vse submit across Slurm nodes against plain srun of the same command, on the testbed
# (scripts/slurm-testbed.sh; root), and image staging by each route. Run it under the testbed's
# lock: flock -o /tmp/vse-slurm-testbed.lock bench/slurm.sh ...
#
# Part 1, for each shape NODESxPER (nodes x instances per node; --runtime vse-launch above 1 per
# node), the median of RUNS runs of:
#   ready  from 'vse submit' starting until the last node reported its instances ready
#   end    'vse submit --wait -- true' as a whole (submit, staging, start, command, cleanup, job end)
#   srun   'srun -N NODES' of one task per node starting PER 'true' processes (the floor: Slurm's own step launch)
# Part 2 (STAGING=1, the default), a Debian image (base/debian, built first: minutes when cold)
# on 2 nodes x 1, submit to all ready by each route: shared (the nodes see the store), broadcast
# (--staging broadcast, empty node caches: export, sbcast, SHA-256, unpack), cached (the same
# again: the node caches hold the digest), RUNS times (the node caches emptied before each
# broadcast), the median and the range printed; the export's own time is printed apart (made once).
# Usage: bench/slurm.sh [RUNS] [SHAPES...]   (default: 1 run of 1x1 2x1 4x1 1x16 2x16 4x16 1x64 2x64 4x64;
# the shape 'none' skips part 1)
set -euo pipefail
runs=${1:-1}
shift || true
shapes=("${@:-1x1 2x1 4x1 1x16 2x16 4x16 1x64 2x64 4x64}")
[ "$(id -u)" -eq 0 ] || { echo "bench/slurm.sh: needs root (the testbed, sandboxes)" >&2; exit 1; }
repo=$(cd "$(dirname "$0")/.." && pwd)
vse=$repo/src/Vse.Cli/bin/Release/net10.0/vse
[ -x "$vse" ] || { echo "bench/slurm.sh: build first: dotnet build src/Vse.Cli -c Release" >&2; exit 1; }
max=1
[ "${shapes[*]}" = none ] && shapes=()
for shape in ${shapes[*]}; do [ "${shape%x*}" -gt "$max" ] && max=${shape%x*}; done
[ "${STAGING:-1}" = 1 ] && [ "$max" -lt 2 ] && max=2
work=$(mktemp -d /tmp/vse-bench-slurm-XXXXXX)
trap '"$repo/scripts/slurm-testbed.sh" down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
"$repo/scripts/slurm-testbed.sh" down >/dev/null 2>&1 || true
eval "$("$repo/scripts/slurm-testbed.sh" up "$max")"
# BENCH_VSE_HOME: a data directory whose layer store already holds base/debian (else built cold here).
export VSE_HOME=${BENCH_VSE_HOME:-$work/home} VSE_NODE_HOME=$work/nodes
printf 'vse: 1\nname: bench\nextends: base/busybox\nrun: "true"\n' > "$work/bench.vse.yaml"
"$vse" build "$work/bench.vse.yaml" >/dev/null 2>&1

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
# The newest ready marker of deployment $1, in seconds since the epoch with its fraction.
last_ready() { for f in "$VSE_HOME/slurm/$1/nodes/"*.ready; do date -r "$f" +%s.%N; done | sort -n | tail -1; }
deployment_of() { sed -n 's/^vse: submitted deployment \([0-9a-f]*\) .*/\1/p' "$1"; }

echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %10s %10s %10s\n' shape ready_s end_s srun_s
for shape in ${shapes[*]}; do
  nodes=${shape%x*} per=${shape#*x}
  runtime=()
  [ "$per" -gt 1 ] && runtime=(--runtime vse-launch)
  : > "$work/ready" ; : > "$work/end" ; : > "$work/srun"
  for _ in $(seq "$runs"); do
    start=$(now)
    if ! "$vse" submit "$work/bench.vse.yaml" --nodes "$nodes" --per-node "$per" "${runtime[@]}" --wait -- true >/dev/null 2>"$work/err"; then
      echo "$shape: failed: $(tail -1 "$work/err")" >&2; continue 2
    fi
    end=$(now)
    echo "$(last_ready "$(deployment_of "$work/err")") - $start" | bc >> "$work/ready"
    echo "$end - $start" | bc >> "$work/end"
    # One task per node starting PER processes: Slurm refuses more tasks than CPUs per node (2 here).
    s=$(now); srun -N "$nodes" --ntasks-per-node=1 sh -c 'i=0; while [ $i -lt "$0" ]; do true & i=$((i + 1)); done; wait' "$per"; e=$(now)
    echo "$e - $s" | bc >> "$work/srun"
  done
  printf '%-6s %10.2f %10.2f %10.2f\n' "$shape" "$(median < "$work/ready")" "$(median < "$work/end")" "$(median < "$work/srun")"
done

[ "${STAGING:-1}" = 1 ] || exit 0
printf 'vse: 1\nname: bench-debian\nextends: base/debian\nrun: "true"\n' > "$work/debian.vse.yaml"
s=$(now); "$vse" build "$work/debian.vse.yaml" >/dev/null 2>&1; e=$(now)
echo "debian build: $(echo "$e - $s" | bc) s"
# The export is made once per configuration: a dry run makes it (and resolves), timed apart.
s=$(now); "$vse" submit "$work/debian.vse.yaml" --nodes 2 --staging broadcast --dry-run >/dev/null 2>&1; e=$(now)
echo "export (dry run: resolve + tar + SHA-256): $(echo "$e - $s" | bc) s, $(du -m "$VSE_HOME"/slurm-exports/*.tar | cut -f1) MiB"
echo "load average before staging: $(cut -d' ' -f1-3 /proc/loadavg)"
for route in shared broadcast cached; do : > "$work/route-$route"; done
for _ in $(seq "$runs"); do
  # Empty node caches, so that the broadcast route copies (and the cached one after it finds it).
  rm -rf "$VSE_NODE_HOME"/*/staged
  for route in shared broadcast cached; do
    staging=broadcast
    [ "$route" = shared ] && staging=shared
    start=$(now)
    "$vse" submit "$work/debian.vse.yaml" --nodes 2 --per-node 1 --staging "$staging" --wait -- true >/dev/null 2>"$work/err" \
      || { cat "$work/err" >&2; exit 1; }
    dep=$(deployment_of "$work/err")
    grep -q "(image staged by $route)" "$work/err" || { echo "expected route $route:" >&2; cat "$work/err" >&2; exit 1; }
    echo "$(last_ready "$dep") - $start" | bc >> "$work/route-$route"
  done
done
printf '%-10s %10s %16s\n' route ready_s "range (${runs} runs)"
for route in shared broadcast cached; do
  printf '%-10s %10.2f %7.2f - %6.2f\n' "$route" "$(median < "$work/route-$route")" "$(sort -n "$work/route-$route" | head -1)" "$(sort -n "$work/route-$route" | tail -1)"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
