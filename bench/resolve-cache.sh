#!/usr/bin/env bash
# The resolve cache and the file digest cache (docs/build.md, "What a repeated command reads"),
# hit against miss, in ONE hyperfine run per description (only numbers of one run compare):
#   vse resolve FILE             hit: nothing the resolve read has changed
#   vse resolve FILE (miss)      the description is touched before each run (a new change time)
#   vse build FILE               all cached, resolve from the cache, busybox's digest remembered
#   vse build FILE (miss)        the same with the description touched: parse, policy, digest again
# (the hierarchy, which has no base to build, gets the resolve rows only)
# With --before DIR (a native vse without the caches) its `resolve` and `build` are timed beside
# them, with their own VSE_HOME. With --bench DIR (the output of `dotnet build bench/Vse.Bench -c
# Release`), the same rows for the generated 8-level, 10,000-key hierarchy (issue 12, item 7).
# Every table carries the load average before and after it.
#
# Usage: bench/resolve-cache.sh --vse DIR [--before DIR] [--bench DIR] [--runs N] [--warmup N]
#   --vse DIR     a native-AOT publish of src/Vse.Cli (dotnet publish src/Vse.Cli -c Release -r linux-x64 -o DIR)
# Needs root (the busybox base), hyperfine, jq. Prints markdown.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/bench/common.sh"
vse_dir="" before_dir="" bench_dir="" runs=30 warmup=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --vse) vse_dir=$2; shift 2 ;;
        --before) before_dir=$2; shift 2 ;;
        --bench) bench_dir=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) echo "resolve-cache.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ -n $vse_dir ]] || { echo "resolve-cache.sh: --vse DIR is required" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "resolve-cache.sh: needs root" >&2; exit 4; }
for tool in hyperfine jq; do
    command -v $tool >/dev/null || { echo "resolve-cache.sh: $tool is missing (apt-get install $tool)" >&2; exit 4; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vse-resolve-cache.XXXXXX")
trap 'rm -rf "$work"' EXIT
cat >"$work/tiny.vse.yaml" <<'YAML'
vse: 1
name: bench/resolve-cache
os: {base: busybox}
run: /bin/true
YAML

# table NAME FILE VSE_PATH VERBS...: one hyperfine run of every row for one description
table() {
    local name=$1 file=$2 path=$3
    shift 3
    local -a names=() commands=() prepares=()
    local b verb
    for b in after ${before_dir:+before}; do
        local exe=$vse_dir/vse label=""
        [[ $b == before ]] && { exe=$before_dir/vse; label="before: "; }
        local home=$work/home-$b-${name%% *}
        # The store's tmp/ is where entries are written: a home that never built has none (the
        # hierarchy is only resolved), and keeps nothing.
        mkdir -p "$home/store/tmp"
        env VSE_HOME="$home" VSE_PATH="$path" "$exe" "$@" "$file" >/dev/null 2>&1 || true
        for verb in "$@"; do
            names+=("${label}vse $verb FILE") commands+=("env VSE_HOME=$home VSE_PATH=$path $exe $verb $file") prepares+=(true)
            if [[ $b == after ]]; then
                names+=("vse $verb FILE (miss: touched first)") commands+=("env VSE_HOME=$home VSE_PATH=$path $exe $verb $file") prepares+=("touch $file")
            fi
        done
    done
    local -a args=() i
    for ((i = 0; i < ${#names[@]}; i++)); do args+=(--prepare "${prepares[i]}" -n "${names[i]}"); done
    sleep 0.2 # every input a tick older than its last change, so the warm-up's resolve is kept
    local load_before load_after
    load_before=$(machine_load)
    hyperfine -N --style basic --warmup "$warmup" --runs "$runs" --export-json "$work/run.json" "${args[@]}" "${commands[@]}" >"$work/run.log" 2>&1 \
        || { cat "$work/run.log" >&2; exit 4; }
    load_after=$(machine_load)
    echo "### $name: hyperfine -N --warmup $warmup --runs $runs"
    echo
    echo "- $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC'); before: $load_before; after: $load_after"
    echo
    echo "| command | median (ms) | mean ± σ (ms) | min (ms) | user / system (ms) |"
    echo "|---|---:|---:|---:|---:|"
    jq -r '.results[] | "| `\(.command)` | \(.median*1000*10|round/10) | \(.mean*1000*10|round/10) ± \(.stddev*1000*10|round/10) | \(.min*1000*10|round/10) | \(.user*1000*10|round/10) / \(.system*1000*10|round/10) |"' "$work/run.json"
    echo
}

table "busybox description" "$work/tiny.vse.yaml" "" resolve build
if [[ -n $bench_dir ]]; then
    # The generated strings use ${env.USER}; the value the in-process bench passes (HierarchyGenerator.Environment).
    export USER=bench
    leaf=$(dotnet "$bench_dir/Vse.Bench.dll" generate "$work/hierarchy")
    table "8-level 10,000-key hierarchy" "$leaf" "$work/hierarchy" resolve
fi
