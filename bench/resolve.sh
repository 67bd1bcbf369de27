#!/usr/bin/env bash
# Resolve speed (issue 12, item 7), before against after, interleaved in one run:
#   in process: `Vse.Bench cputime N` of two builds of bench/Vse.Bench, `Resolve` row, rounds
#               alternating (rotated) so that load drift falls on both alike; then `Vse.Bench
#               retained` of each (what a resolved description keeps alive), where the build has it;
#   whole CLI:  `vse resolve LEAF --json` of two native-AOT vse builds on the generated 8-level,
#               10,000-key hierarchy, in ONE hyperfine run (only numbers of one run compare),
#               then `perf stat -r N` of each, rounds rotated: CPU time (task-clock) and page
#               faults, which depend far less on the load than wall time (skipped without perf).
# Each line of the report carries the load average at that moment.
#
# Usage: bench/resolve.sh --before-bench DIR --after-bench DIR --before-vse EXE --after-vse EXE
#                         [--rounds R] [--iterations N] [--runs N]
#   --*-bench DIR  the output directory of `dotnet build bench/Vse.Bench -c Release` (copy it
#                  before changing the code: bin/Release/net10.0); the table's columns are those of
#                  the newest CpuTimeRunner: build the before tree with this bench/Vse.Bench/*.cs.
#                  Its warm-up runs until tiered compilation is done (20 resolves and 2 s in which the
#                  JIT compiled no method, at most 2,000): the timed resolves measure the resolver,
#                  not the JIT's tier-1 work; "JIT in timed runs" says what the JIT still did then.
#   --*-vse EXE    a native vse: `dotnet publish src/Vse.Cli -c Release -r linux-x64 -o DIR`
# Needs: dotnet, hyperfine; perf (linux-perf) for the CPU time and page fault rows.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/bench/common.sh"
rounds=3 iterations=40 runs=30 before_bench="" after_bench="" before_vse="" after_vse=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --before-bench) before_bench=$2; shift 2 ;;
        --after-bench) after_bench=$2; shift 2 ;;
        --before-vse) before_vse=$2; shift 2 ;;
        --after-vse) after_vse=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --iterations) iterations=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
        *) echo "resolve.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ -n $before_bench && -n $after_bench && -n $before_vse && -n $after_vse ]] || { echo "resolve.sh: all four of --before-bench, --after-bench, --before-vse, --after-vse are needed" >&2; exit 2; }

work=$(mktemp -d /tmp/vse-resolve-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "## in process: Vse.Bench cputime $iterations, Resolve row"
echo
echo "| round | build | wall min | wall median | CPU per op | CPU / wall | GC pause per op | gen0/gen1/gen2 per op | MB allocated per op | MB promoted per op (gen0+gen1) | N | warm-up runs | JIT in timed runs (methods, ms) | load before |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for ((round = 0; round < rounds; round++)); do
    while read -r arm; do
        dir=$before_bench; [[ $arm == after ]] && dir=$after_bench
        load=$(machine_load)
        row=$(cd "$dir" && dotnet Vse.Bench.dll cputime "$iterations" | grep '^| Resolve |')
        echo "| $((round + 1)) | $arm ${row#| Resolve } $load |"
    done < <(rotated_arms "$round" before after)
done

echo
for arm in before after; do
    dir=$before_bench; [[ $arm == after ]] && dir=$after_bench
    echo "- $arm: $( (cd "$dir" && dotnet Vse.Bench.dll retained 2>/dev/null) || echo "(no 'retained' in this build)"); $(machine_load)"
done

echo
# The generated strings use ${env.USER}; the value the in-process bench passes (HierarchyGenerator.Environment).
export USER=bench
leaf=$(dotnet "$after_bench/Vse.Bench.dll" generate "$work/hierarchy")
cmp <(VSE_PATH="$work/hierarchy" "$before_vse" resolve "$leaf" --json) <(VSE_PATH="$work/hierarchy" "$after_vse" resolve "$leaf" --json) \
    || { echo "resolve.sh: the two vse builds print different resolved descriptions" >&2; exit 1; }
echo "## whole CLI: vse resolve (10,000-key hierarchy) --json, hyperfine -N --runs $runs; $(machine_load)"
echo
VSE_PATH="$work/hierarchy" hyperfine -N --warmup 3 --runs "$runs" --export-markdown "$work/cli.md" \
    -n before "$before_vse resolve $leaf --json" -n after "$after_vse resolve $leaf --json" >&2
cat "$work/cli.md"
echo
echo "(after: $(machine_load))"

if ! command -v perf >/dev/null; then
    echo
    echo "(no perf: CPU time and page faults of the whole CLI not measured)"
    exit 0
fi

echo
echo "## whole CLI: vse resolve --json, perf stat -r $runs per row (CPU time and page faults per run)"
echo
echo "| round | build | task-clock (ms) | page faults | wall (ms) | load before |"
echo "|---|---|---:|---:|---:|---|"
for ((round = 0; round < rounds; round++)); do
    while read -r arm; do
        exe=$before_vse; [[ $arm == after ]] && exe=$after_vse
        load=$(machine_load)
        stats=$(VSE_PATH="$work/hierarchy" perf stat -x, -r "$runs" -e task-clock,page-faults "$exe" resolve "$leaf" --json 2>&1 >/dev/null \
            | awk -F, '$3 == "task-clock" { clock = $1 } $3 == "page-faults" { faults = $1 } END { printf "%.1f | %d", clock, faults }')
        start=$(date +%s%N)
        VSE_PATH="$work/hierarchy" "$exe" resolve "$leaf" --json >/dev/null 2>&1
        echo "| $((round + 1)) | $arm | $stats | $(( ($(date +%s%N) - start) / 1000000 )) | $load |"
    done < <(rotated_arms "$round" before after)
done
