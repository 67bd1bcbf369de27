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
# With --cpu, CPU time and page faults instead of wall time: `perf stat -r N` of each part (vse and
# every process it starts, summed), the builds alternated within each of --rounds R rounds, the
# order turned round every round; on a loaded machine CPU time holds where wall time does not.
#
# Usage: bench/oneshot-parts.sh --vse DIR [--before DIR] [--hello FILE] [--runs N] [--warmup N] [--cpu [--rounds R]]
#   --vse DIR     a native-AOT publish of src/Vse.Cli (dotnet publish src/Vse.Cli -c Release -r linux-x64 -o DIR)
#   --before DIR  a second one (rows "before: ...")
# Needs root, perf, and (without --cpu) hyperfine, jq, strace. Prints a markdown report.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
runs=30 warmup=3 vse_dir="" before_dir="" hello="" cpu=0 rounds=3
while [[ $# -gt 0 ]]; do
    case "$1" in
        --vse) vse_dir=$2; shift 2 ;;
        --before) before_dir=$2; shift 2 ;;
        --hello) hello=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --cpu) cpu=1; shift ;;
        --rounds) rounds=$2; shift 2 ;;
        -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
        *) echo "oneshot-parts.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ -n $vse_dir ]] || { echo "oneshot-parts.sh: --vse DIR is required" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "oneshot-parts.sh: needs root" >&2; exit 4; }
tools=(perf)
[[ $cpu == 1 ]] || tools+=(hyperfine jq strace)
for tool in "${tools[@]}"; do
    command -v $tool >/dev/null || { echo "oneshot-parts.sh: $tool is missing (apt-get install $tool)" >&2; exit 4; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/vse-oneshot-parts.XXXXXX")
trap 'rm -rf "$work"' EXIT
oneshot_description "$work/tiny.vse.yaml"
file=$work/tiny.vse.yaml

# cpu_report: the --cpu mode (see the header); reads builds, dir, parts, file, work, runs, rounds, hello.
cpu_report() {
    measure() { # LABEL BUILD COMMAND... -> "LABEL<TAB>BUILD<TAB>task-clock ms<TAB>page faults" appended to rows.tsv
        local label=$1 build=$2 stat
        shift 2
        stat=$(perf stat -x, -r "$runs" -e task-clock,page-faults "$@" 2>&1 >/dev/null) || { echo "$stat" >&2; exit 4; }
        printf '%s\t%s\t%s\t%s\n' "$label" "$build" \
            "$(awk -F, '$3 == "task-clock" {printf "%.2f", $1}' <<<"$stat")" \
            "$(awk -F, '$3 == "page-faults" {print $1}' <<<"$stat")" >>"$work/rows.tsv"
    }
    local load_before load_after round order part b
    load_before=$(machine_load)
    for round in $(seq "$rounds"); do
        order=("${builds[@]}")
        (( round % 2 == 0 )) && mapfile -t order < <(printf '%s\n' "${builds[@]}" | tac)
        [[ -n $hello ]] && measure "hello world (native AOT)" "-" "$hello"
        for part in "${parts[@]}"; do
            for b in "${order[@]}"; do
                # shellcheck disable=SC2086  # the part is words
                measure "vse ${part//$file/FILE}" "$b" env VSE_HOME="$work/home-$b" "${dir[$b]}/vse" $part
            done
        done
    done
    load_after=$(machine_load)

    echo "### CPU per one-shot part (perf stat, vse and its children)"
    echo
    echo "- $(nproc) CPUs, $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC'); perf stat -r $runs per row, $rounds rounds, builds alternated"
    echo "- before: $load_before; after: $load_after"
    for b in "${builds[@]}"; do echo "- $b = ${dir[$b]}"; done
    echo
    echo "| command | build | task-clock per round (ms) | median (ms) | page faults (median) |"
    echo "|---|---|---|---:|---:|"
    awk -F'\t' '
        { key = $1 "\t" $2; if (!(key in seen)) { seen[key] = 1; order[++n] = key } clock[key] = clock[key] " " $3; faults[key] = faults[key] " " $4 }
        function median(list,   a, m, i, j, t) {
            m = split(list, a, " ")
            for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
            return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
        }
        END {
            for (i = 1; i <= n; i++) {
                split(order[i], k, "\t"); c = clock[order[i]]; sub(/^ /, "", c); gsub(/ /, " / ", c)
                printf "| `%s` | %s | %s | %.1f | %d |\n", k[1], k[2], c, median(clock[order[i]]), median(faults[order[i]])
            }
        }' "$work/rows.tsv"
}

builds=(after)
declare -A dir=([after]=$vse_dir)
[[ -n $before_dir ]] && { builds+=(before); dir[before]=$before_dir; }
for b in "${builds[@]}"; do
    oneshot_home "$work/home-$b" "${dir[$b]}/vse" "$file" vse-launch default
done

parts=("--version" "resolve $file" "build $file" "run --runtime vse-launch $file -- true" "run $file -- true")
if [[ $cpu == 1 ]]; then
    cpu_report
    exit 0
fi

hf=()
[[ -n $hello ]] && hf+=(-n "hello world (native AOT)" "$hello")
for part in "${parts[@]}"; do
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
