#!/usr/bin/env bash
# vse's OWN CPU time in a one-shot `vse run FILE -- true` on the runc path, without runc's: the
# whole tree's task-clock (bench/oneshot-cpu.sh) is ~70 % runc and its init, whose noise hides a
# few milliseconds of vse's. `perf record -e task-clock` (one sample per 0.1 ms of CPU) over the
# runs, the samples counted by command name: vse and its .NET threads against everything else
# (runc, runc:[*], the command). Two native builds, interleaved over R rounds.
#
# Usage: bench/oneshot-own-cpu.sh --vse DIR --before DIR [--runs N] [--rounds R]
#   --vse DIR, --before DIR   native-AOT publishes of src/Vse.Cli (dotnet publish src/Vse.Cli -c Release -r linux-x64 -o DIR)
#   --runs N (default 20) runs per build and round; --rounds R (default 3)
# Needs root, perf. Prints a markdown table.
set -euo pipefail
vse_dir="" before_dir="" runs=20 rounds=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --vse) vse_dir=$2; shift 2 ;;
        --before) before_dir=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "oneshot-own-cpu.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ -n $vse_dir && -n $before_dir ]] || { echo "oneshot-own-cpu.sh: --vse DIR and --before DIR are needed (try --help)" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "oneshot-own-cpu.sh: needs root" >&2; exit 4; }
command -v perf >/dev/null || { echo "oneshot-own-cpu.sh: perf is missing (apt-get install linux-perf)" >&2; exit 4; }

# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/vse-oneshot-own.XXXXXX")
trap 'rm -rf "$work"' EXIT
oneshot_description "$work/tiny.vse.yaml"
declare -A dir=([after]=$vse_dir [before]=$before_dir)
for build in after before; do
    mkdir -p "$work/home-$build"
    VSE_HOME=$work/home-$build "${dir[$build]}/vse" build "$work/tiny.vse.yaml" >/dev/null 2>&1
    # One run first: the probe cache and the state database exist before anything is counted.
    VSE_HOME=$work/home-$build "${dir[$build]}/vse" run "$work/tiny.vse.yaml" -- true >/dev/null 2>&1
done

# own_and_rest BUILD -> "OWN REST": ms of CPU per run of vse itself and of the rest of the tree.
own_and_rest() {
    VSE_HOME=$work/home-$1 perf record -q -e task-clock -c 100000 -o "$work/perf.data" -- \
        bash -c 'for _ in $(seq "$1"); do "$2" run "$3" -- true; done' _ "$runs" "${dir[$1]}/vse" "$work/tiny.vse.yaml" >/dev/null 2>&1
    # -F comm,sample: "COMM SAMPLES"; a command name may hold spaces (".NET TP Worker"), the count is the last field.
    perf report -q -i "$work/perf.data" --sort comm -F comm,sample 2>/dev/null | awk -v runs="$runs" '
        { n = $NF; $NF = ""; sub(/ +$/, ""); if ($0 ~ /^(vse|\.NET)/) own += n; else rest += n }
        END { printf "%.1f %.1f\n", own * 0.1 / runs, rest * 0.1 / runs }'
}

load_before=$(machine_load)
declare -A own rest
for _ in $(seq "$rounds"); do
    for build in after before; do
        read -r o r < <(own_and_rest "$build")
        own[$build]+="$o " rest[$build]+="$r "
    done
done
load_after=$(machine_load)

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
echo "### vse's own CPU per \`vse run FILE -- true\` on the runc path (perf record -e task-clock, by command name)"
echo
echo "- $(nproc) CPUs, $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC'); $rounds interleaved rounds of $runs runs per build"
echo "- load at the start: $load_before"
echo "- load at the end: $load_after"
echo
echo "| build | vse's own CPU per run, each round (ms) | median (ms) | runc and the command per run, each round (ms) | median (ms) |"
echo "|---|---|---:|---|---:|"
for build in after before; do
    echo "| $build (${dir[$build]}) | ${own[$build]} | $(echo "${own[$build]}" | median) | ${rest[$build]} | $(echo "${rest[$build]}" | median) |"
done
