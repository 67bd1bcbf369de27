#!/usr/bin/env bash
# CPU time of one-shot runs (issue 12 item 6), for a machine too loaded for wall times to compare:
# `perf stat -e task-clock` (the process and every child it waits for: runc and its init, the
# launcher, the command) of `vse run FILE -- true` on both paths, for two native vse builds,
# interleaved: R rounds, each timing every command N times in turn, so load that comes and goes
# hits all of them. Wall time is printed beside it (perf's elapsed mean), for what it is worth.
#
# Usage: bench/oneshot-cpu.sh --vse DIR --before DIR [--runs N] [--rounds R]
#   --vse DIR     a native-AOT publish of src/Vse.Cli (dotnet publish src/Vse.Cli -c Release -r linux-x64 -o DIR)
#   --before DIR  a second one to compare with
#   --runs N      perf stat -r N per command and round (default 10); --rounds R (default 3)
# Needs root, perf. Prints a markdown table: per command, task-clock mean of each round and their median.
set -euo pipefail
vse_dir="" before_dir="" runs=10 rounds=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --vse) vse_dir=$2; shift 2 ;;
        --before) before_dir=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "oneshot-cpu.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ -n $vse_dir && -n $before_dir ]] || { echo "oneshot-cpu.sh: --vse DIR and --before DIR are needed (try --help)" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "oneshot-cpu.sh: needs root" >&2; exit 4; }
command -v perf >/dev/null || { echo "oneshot-cpu.sh: perf is missing (apt-get install linux-perf)" >&2; exit 4; }

# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/vse-oneshot-cpu.XXXXXX")
trap 'rm -rf "$work"' EXIT
oneshot_description "$work/tiny.vse.yaml"
declare -A dir=([after]=$vse_dir [before]=$before_dir)
for build in after before; do
    mkdir -p "$work/home-$build"
    VSE_HOME=$work/home-$build "${dir[$build]}/vse" build "$work/tiny.vse.yaml" >/dev/null 2>&1
done

load_before=$(machine_load)
declare -A cpu wall
for round in $(seq "$rounds"); do
    for path in runc vse-launch; do
        for build in after before; do
            args=(run "$work/tiny.vse.yaml" -- true)
            [[ $path == vse-launch ]] && args=(run --runtime vse-launch "$work/tiny.vse.yaml" -- true)
            # -x,: "VALUE,UNIT,EVENT,..." per event; the elapsed time is not in it, so -r's summary line is read apart.
            out=$(VSE_HOME=$work/home-$build perf stat -x, -r "$runs" -e task-clock "${dir[$build]}/vse" "${args[@]}" 2>&1 >/dev/null)
            cpu[$build,$path]+="$(echo "$out" | awk -F, '$3 == "task-clock" {printf "%.1f ", $1}')"
        done
    done
done
load_after=$(machine_load)

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "### CPU time of one \`vse run FILE -- true\` (perf stat -e task-clock, the whole process tree)"
echo
echo "- $(nproc) CPUs, $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC'); $rounds interleaved rounds of perf stat -r $runs per command"
echo "- load at the start: $load_before"
echo "- load at the end: $load_after"
echo
echo "| path | build | task-clock per run, each round's mean (ms) | median of rounds (ms) | after / before |"
echo "|---|---|---|---:|---:|"
for path in runc vse-launch; do
    a=$(echo "${cpu[after,$path]}" | median); b=$(echo "${cpu[before,$path]}" | median)
    echo "| $path | after ($vse_dir) | ${cpu[after,$path]} | $a | $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}') |"
    echo "| $path | before ($before_dir) | ${cpu[before,$path]} | $b | |"
done
