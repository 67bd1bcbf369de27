#!/usr/bin/env bash
# Where a one-shot `vse run` spends its time, by subtraction, for one or two native vse builds
# side by side in ONE hyperfine run (this machine is noisy: only numbers of the same run compare):
#   vse --version                                 process start (runtime, command line)
#   vse resolve FILE                              + resolve, site policy
#   vse build FILE                                + store lock, cache checks, state database (all cached)
#   vse run --runtime vse-launch FILE -- true     + records, the launcher, cleanup
#   vse run FILE -- true                          the runc path
# and, outside the timing, per build: `perf stat` of `vse --version` (CPU, page faults) and the
# fsyncs of one `vse run --runtime vse-launch` (strace -f). With --hello FILE, a native-AOT hello
# world is timed beside them (the floor of a native .NET process start).
#
# Usage: bench/oneshot-parts.sh --vse DIR [--before DIR] [--hello FILE] [--runs N] [--warmup N]
#   --vse DIR     a native-AOT publish of src/Vse.Cli (dotnet publish src/Vse.Cli -c Release -r linux-x64 -o DIR)
#   --before DIR  a second one (rows "before: ...")
# Needs root, hyperfine, jq, perf, strace. Prints a markdown report.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=30 warmup=3 vse_dir="" before_dir="" hello=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --vse) vse_dir=$2; shift 2 ;;
        --before) before_dir=$2; shift 2 ;;
        --hello) hello=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "oneshot-parts.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ -n $vse_dir ]] || { echo "oneshot-parts.sh: --vse DIR is required" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "oneshot-parts.sh: needs root" >&2; exit 4; }
for tool in hyperfine jq perf strace; do
    command -v $tool >/dev/null || { echo "oneshot-parts.sh: $tool is missing (apt-get install $tool)" >&2; exit 4; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vse-oneshot-parts.XXXXXX")
trap 'rm -rf "$work"' EXIT
oneshot_description "$work/tiny.vse.yaml"
file=$work/tiny.vse.yaml

builds=(after)
declare -A dir=([after]=$vse_dir)
[[ -n $before_dir ]] && { builds+=(before); dir[before]=$before_dir; }
for b in "${builds[@]}"; do
    mkdir -p "$work/home-$b"
    VSE_HOME=$work/home-$b "${dir[$b]}/vse" build "$file" >/dev/null 2>&1
    VSE_HOME=$work/home-$b "${dir[$b]}/vse" run --runtime vse-launch "$file" -- true >/dev/null 2>&1
    VSE_HOME=$work/home-$b "${dir[$b]}/vse" run "$file" -- true >/dev/null 2>&1
done

hf=()
[[ -n $hello ]] && hf+=(-n "hello world (native AOT)" "$hello")
for part in "--version" "resolve $file" "build $file" "run --runtime vse-launch $file -- true" "run $file -- true"; do
    for b in "${builds[@]}"; do
        label="vse ${part//$file/FILE}"
        [[ $b == before ]] && label="before: $label"
        hf+=(-n "$label" "env VSE_HOME=$work/home-$b ${dir[$b]}/vse $part")
    done
done

load_before=$(machine_load)
hyperfine -N --style basic --warmup "$warmup" --runs "$runs" --export-json "$work/parts.json" "${hf[@]}" >"$work/hyperfine.log" 2>&1 \
    || { cat "$work/hyperfine.log" >&2; exit 4; }
load_after=$(machine_load)

echo "### Where a one-shot run's time goes"
echo
echo "- $(nproc) CPUs, $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- before the run: $load_before; after: $load_after"
echo "- hyperfine -N --warmup $warmup --runs $runs, all commands in one run; description: os: {base: busybox}, built beforehand"
echo
echo "| command | median (ms) | mean ± σ (ms) | min (ms) | user / system (ms) |"
echo "|---|---:|---:|---:|---:|"
jq -r '.results[] | "| `\(.command)` | \(.median*1000*10|round/10) | \(.mean*1000*10|round/10) ± \(.stddev*1000*10|round/10) | \(.min*1000*10|round/10) | \(.user*1000*10|round/10) / \(.system*1000*10|round/10) |"' "$work/parts.json"
echo
echo "| build | \`vse --version\` task-clock (ms) | page faults | fsyncs in one \`vse run --runtime vse-launch\` |"
echo "|---|---:|---:|---:|"
for b in "${builds[@]}"; do
    stat=$(perf stat -x, -r "$runs" -e task-clock,page-faults "${dir[$b]}/vse" --version 2>&1 >/dev/null)
    clock=$(awk -F, '$3 == "task-clock" {printf "%.1f", $1}' <<<"$stat")
    faults=$(awk -F, '$3 == "page-faults" {print $1}' <<<"$stat")
    VSE_HOME=$work/home-$b strace -f -c -e trace=fsync,fdatasync -o "$work/strace-$b" "${dir[$b]}/vse" run --runtime vse-launch "$file" -- true >/dev/null 2>&1
    fsyncs=$(awk '$NF ~ /^(fsync|fdatasync)$/ {n += $(NF-1)} END {print n + 0}' "$work/strace-$b")
    echo "| $b (${dir[$b]}) | $clock | $faults | $fsyncs |"
done
