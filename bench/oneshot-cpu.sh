#!/usr/bin/env bash
# CPU time of one-shot runs (issue 12 item 6), for a machine too loaded for wall times to compare:
# `perf stat -e task-clock` (the process and every child it waits for: runc and its init, the
# launcher, the command) of `vse run FILE -- true` on both paths, for two native vse builds,
# interleaved: R rounds, each timing every command N times in turn, so load that comes and goes
# hits all of them. Wall time is printed beside it (perf's elapsed mean), for what it is worth.
#
# With --own, vse's OWN CPU on the runc path instead, apart from runc's: the whole tree is ~70 % runc
# and its init, whose noise hides a few milliseconds of vse's. `perf record -e task-clock` (a
# sample per 0.1 ms of CPU) over the N runs, the samples counted by command name: vse and its .NET
# threads against the rest (runc, runc:[*], the command).
#
# Usage: bench/oneshot-cpu.sh --vse DIR --before DIR [--runs N] [--rounds R] [--own]
#   --vse DIR     a native-AOT publish of src/Vse.Cli (dotnet publish src/Vse.Cli -c Release -r linux-x64 -o DIR)
#   --before DIR  a second one to compare with
#   --runs N      perf stat -r N per command and round (default 10), or with --own runs per build and round; --rounds R (default 3)
# Needs root, perf. Prints a markdown table: per command, task-clock mean of each round and their median.
set -euo pipefail
vse_dir="" before_dir="" runs=10 rounds=3 own=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --vse) vse_dir=$2; shift 2 ;;
        --before) before_dir=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --own) own=1; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
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
    oneshot_home "$work/home-$build" "${dir[$build]}/vse" "$work/tiny.vse.yaml"
done

# own_and_rest BUILD -> "OWN REST": ms of CPU per runc-path run of vse itself and of the rest of the tree.
own_and_rest() {
    VSE_HOME=$work/home-$1 perf record -q -e task-clock -c 100000 -o "$work/perf.data" -- \
        bash -c 'for _ in $(seq "$1"); do "$2" run "$3" -- true; done' _ "$runs" "${dir[$1]}/vse" "$work/tiny.vse.yaml" >/dev/null 2>&1
    # -F comm,sample: "COMM SAMPLES"; a command name may hold spaces (".NET TP Worker"), the count is the last field.
    perf report -q -i "$work/perf.data" --sort comm -F comm,sample 2>/dev/null | awk -v runs="$runs" '
        { n = $NF; $NF = ""; sub(/ +$/, ""); if ($0 ~ /^(vse|\.NET)/) own += n; else rest += n }
        END { printf "%.1f %.1f\n", own * 0.1 / runs, rest * 0.1 / runs }'
}

median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

if [[ $own == 1 ]]; then
    for build in after before; do
        # One run first: the probe cache and the state database exist before anything is counted.
        VSE_HOME=$work/home-$build "${dir[$build]}/vse" run "$work/tiny.vse.yaml" -- true >/dev/null 2>&1
    done
    load_before=$(machine_load)
    declare -A own_ms rest_ms
    for _ in $(seq "$rounds"); do
        for build in after before; do
            read -r o r < <(own_and_rest "$build")
            own_ms[$build]+="$o " rest_ms[$build]+="$r "
        done
    done
    echo "### vse's own CPU per \`vse run FILE -- true\` on the runc path (perf record -e task-clock, by command name)"
    echo
    echo "- $(nproc) CPUs, $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC'); $rounds interleaved rounds of $runs runs per build"
    echo "- load at the start: $load_before"
    echo "- load at the end: $(machine_load)"
    echo
    echo "| build | vse's own CPU per run, each round (ms) | median (ms) | runc and the command per run, each round (ms) | median (ms) |"
    echo "|---|---|---:|---|---:|"
    for build in after before; do
        echo "| $build (${dir[$build]}) | ${own_ms[$build]} | $(echo "${own_ms[$build]}" | median) | ${rest_ms[$build]} | $(echo "${rest_ms[$build]}" | median) |"
    done
    exit 0
fi

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
