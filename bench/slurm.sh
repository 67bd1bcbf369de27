#!/usr/bin/env bash
# vse submit across Slurm nodes against plain srun of the same command, on the testbed
# (scripts/slurm-testbed.sh; root). For each shape (nodes x instances per node), the median of
# RUNS runs of:
#   ready  from 'vse submit' starting until the last node reported its instances ready
#   end    'vse submit --wait -- true' as a whole (submit, start, command, cleanup, job end)
#   srun   'srun -N NODES true' (the floor: Slurm's own step launch)
# Usage: bench/slurm.sh [RUNS] [SHAPES...]   (default: 3 runs of 1x1 2x1 1x16 2x16)
set -euo pipefail
runs=${1:-3}
shift || true
shapes=("${@:-1x1 2x1 1x16 2x16}")
[ "$(id -u)" -eq 0 ] || { echo "bench/slurm.sh: needs root (the testbed, sandboxes)" >&2; exit 1; }
repo=$(cd "$(dirname "$0")/.." && pwd)
vse=$repo/src/Vse.Cli/bin/Release/net10.0/vse
[ -x "$vse" ] || { echo "bench/slurm.sh: build first: dotnet build src/Vse.Cli -c Release" >&2; exit 1; }
work=$(mktemp -d /tmp/vse-bench-slurm-XXXXXX)
trap 'rm -rf "$work"' EXIT
eval "$("$repo/scripts/slurm-testbed.sh" up 2)"
export VSE_HOME=$work/home VSE_NODE_HOME=$work/nodes
printf 'vse: 1\nname: bench\nextends: base/busybox\nrun: "true"\n' > "$work/bench.vse.yaml"
"$vse" build "$work/bench.vse.yaml" >/dev/null 2>&1

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

printf '%-6s %10s %10s %10s\n' shape ready_s end_s srun_s
for shape in ${shapes[*]}; do
  nodes=${shape%x*} per=${shape#*x}
  : > "$work/ready" ; : > "$work/end" ; : > "$work/srun"
  for _ in $(seq "$runs"); do
    start=$(now)
    "$vse" submit "$work/bench.vse.yaml" --nodes "$nodes" --per-node "$per" --wait -- true >/dev/null 2>"$work/err" \
      || { cat "$work/err" >&2; exit 1; }
    end=$(now)
    dep=$(sed -n 's/^vse: submitted deployment \([0-9a-f]*\) .*/\1/p' "$work/err")
    # The newest ready marker, in seconds since the epoch with its fraction.
    last=$(for f in "$VSE_HOME/slurm/$dep/nodes/"*.ready; do date -r "$f" +%s.%N; done | sort -n | tail -1)
    echo "$last - $start" | bc >> "$work/ready"
    echo "$end - $start" | bc >> "$work/end"
    s=$(now); srun -N "$nodes" true; e=$(now)
    echo "$e - $s" | bc >> "$work/srun"
  done
  printf '%-6s %10.2f %10.2f %10.2f\n' "$shape" "$(median < "$work/ready")" "$(median < "$work/end")" "$(median < "$work/srun")"
done
