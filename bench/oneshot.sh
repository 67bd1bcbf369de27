#!/usr/bin/env bash
# One-shot runs (issue 12, item 6): `vse run FILE -- true` against the floors it is compared to,
# interleaved in ONE hyperfine run (this machine is noisy: only numbers of the same run compare):
#   vse run FILE -- true                          the runc path (one `runc run`)
#   runc run (raw)                                the bundle vse writes, over its own overlay root
#   vse run --runtime vse-launch FILE -- true     the bulk launcher path
#   bwrap --unshare-all ... true                  on the same root filesystem (read-only)
# With --before DIR (another native vse, e.g. a copy of an older build) both vse rows are timed
# for it too, in the same run, each build with its own VSE_HOME.
#
# Usage: bench/oneshot.sh [--vse DIR] [--before DIR] [--runs N] [--warmup N] [--rounds R] [--keep]
#   --vse DIR     a native-AOT publish of src/Vse.Cli (default: published here into a temp dir)
#   --before DIR  a second native vse to compare with (rows "before: ...")
#   --rounds R    hyperfine runs its commands one after the other, so the N runs are split into R
#                 rounds of every command (default 5): load that comes and goes hits all of them
# Needs root, hyperfine, runc, bwrap, jq. Prints a markdown table with ratios.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=30 warmup=3 rounds=5 keep=0 vse_dir="" before_dir=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --vse) vse_dir=$2; shift 2 ;;
        --before) before_dir=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "oneshot.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ $(id -u) == 0 ]] || { echo "oneshot.sh: needs root" >&2; exit 4; }
for tool in hyperfine runc bwrap jq; do
    command -v $tool >/dev/null || { echo "oneshot.sh: $tool is missing (apt-get install $tool)" >&2; exit 4; }
done

# shellcheck source=bench/common.sh
source "$repo/bench/common.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/vse-oneshot.XXXXXX")
raw_root=$work/runc-root
cleanup() {
    runc --root "$raw_root" delete --force oneshot-raw >/dev/null 2>&1 || true
    umount "$work/raw/merged" 2>/dev/null || true
    if [[ $keep == 0 ]]; then rm -rf "$work"; else echo "kept $work" >&2; fi
}
trap cleanup EXIT
say() { echo "== $*" >&2; }

if [[ -z $vse_dir ]]; then
    say "publishing a native-AOT vse (~1.5 min)"
    dotnet publish "$repo/src/Vse.Cli" -c Release -r linux-x64 -nologo -v quiet --artifacts-path "$work/artifacts" -o "$work/aot" >&2
    vse_dir=$work/aot
fi
vse=$vse_dir/vse

oneshot_description "$work/tiny.vse.yaml"

# One VSE_HOME per build: each builds the description once, outside the timing.
prepare_home() { # NAME VSE
    oneshot_home "$work/home-$1" "$2" "$work/tiny.vse.yaml" default vse-launch
}
say "building the description"
prepare_home after "$vse"
[[ -n $before_dir ]] && prepare_home before "$before_dir/vse"
rootfs=$(find "$work/home-after/store/layers" -maxdepth 3 -path '*/rootfs/.vse' -printf '%h\n' | head -n 1)

# The raw bundle: the config.json vse writes (caught while a `sleep` runs), with its root an
# overlay of the same layer, as vse mounts it; runc makes the cgroup as it does for vse.
say "capturing vse's bundle"
VSE_HOME=$work/home-after "$vse" run "$work/tiny.vse.yaml" -- sleep 3 >/dev/null &
runner=$!
config=""
for _ in $(seq 50); do
    config=$(find "$work/home-after/run" -name config.json -newer "$work/tiny.vse.yaml" 2>/dev/null | head -n 1)
    [[ -n $config ]] && break
    sleep 0.1
done
[[ -n $config ]] || { echo "oneshot.sh: no config.json appeared under $work/home-after/run" >&2; exit 4; }
mkdir -p "$work/raw/upper" "$work/raw/work" "$work/raw/merged"
cp "$config" "$work/raw/config.json.vse"
wait $runner
mount -t overlay overlay -o "lowerdir=$rootfs,upperdir=$work/raw/upper,workdir=$work/raw/work" "$work/raw/merged"
jq --arg root "$work/raw/merged" '
    .root = {path: $root, readonly: false}
    | .process.args = ["true"] | .process.terminal = false
    | .mounts |= map(select(.destination != "/"))
    | .linux.cgroupsPath = "/vse-oneshot-raw"' "$work/raw/config.json.vse" >"$work/raw/config.json"

env_vse() { echo "env VSE_HOME=$work/home-$1 $2"; }
hf=()
hf+=(-n "vse run -- true (runc)" "$(env_vse after "$vse") run $work/tiny.vse.yaml -- true")
[[ -n $before_dir ]] && hf+=(-n "before: vse run -- true (runc)" "$(env_vse before "$before_dir/vse") run $work/tiny.vse.yaml -- true")
hf+=(-n "runc run (raw)" "runc --root $raw_root run --bundle $work/raw oneshot-raw")
hf+=(-n "vse run --runtime vse-launch -- true" "$(env_vse after "$vse") run --runtime vse-launch $work/tiny.vse.yaml -- true")
[[ -n $before_dir ]] && hf+=(-n "before: vse run --runtime vse-launch -- true" "$(env_vse before "$before_dir/vse") run --runtime vse-launch $work/tiny.vse.yaml -- true")
hf+=(-n "bwrap --unshare-all" "bwrap --unshare-all --die-with-parent --ro-bind $rootfs / --proc /proc --dev /dev true")

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
say "timing $(( ${#hf[@]} / 2 )) commands, $runs runs each after $warmup warm-up runs (load $load_before)"
# -N: no shell in between. Each round warms up and times every command; the medians are over
# the times of all rounds together.
per_round=$(( (runs + rounds - 1) / rounds ))
for round in $(seq "$rounds"); do
    hyperfine -N --style basic --warmup "$warmup" --runs "$per_round" --export-json "$work/round-$round.json" "${hf[@]}" >"$work/hyperfine-$round.log" 2>&1 \
        || { cat "$work/hyperfine-$round.log" >&2; exit 4; }
done
jq -s '{results: [.[0].results | keys[] as $i | {command: .[$i].command}]} as $shape
    | [.[].results] as $rounds
    | {results: [$shape.results | keys[] as $i
        | ([$rounds[][$i].times[]] | sort) as $t
        | ($t | add / length) as $mean
        | {command: $shape.results[$i].command, times: $t, mean: $mean, min: $t[0],
           median: (if ($t | length) % 2 == 1 then $t[($t | length) / 2 | floor] else ($t[($t | length) / 2 - 1] + $t[($t | length) / 2]) / 2 end),
           stddev: (([$t[] | (. - $mean) * (. - $mean)] | add) / (($t | length) - 1) | sqrt)}]}' \
    "$work"/round-*.json >"$work/oneshot.json"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "### One-shot runs: \`vse run FILE -- true\` vs raw runc and bwrap"
echo
echo "- $(nproc) CPUs, $(uname -r), runc $(runc --version | awk 'NR==1 {print $3}'), bwrap $(bwrap --version | awk '{print $2}'), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- load average before / after: $load_before / $load_after"
echo "- hyperfine -N, $rounds rounds of every command, each --warmup $warmup --runs $per_round ($(( rounds * per_round )) runs a command); description: os: {base: busybox}, built beforehand"
echo
echo "| command | median (ms) | mean ± σ (ms) | min (ms) | ratio to its floor |"
echo "|---|---:|---:|---:|---:|"
jq -r '
  (.results[] | select(.command == "runc run (raw)") | .median) as $runc
  | (.results[] | select(.command == "bwrap --unshare-all") | .median) as $bwrap
  | .results[]
  | (if (.command | test("vse-launch|bwrap")) then [$bwrap, "bwrap"] else [$runc, "runc"] end) as $floor
  | "| `\(.command)` | \(.median*1000*10|round/10) | \(.mean*1000*10|round/10) ± \(.stddev*1000*10|round/10) | \(.min*1000*10|round/10) | \(.median/$floor[0]*100|round/100)× \($floor[1]) |"
' "$work/oneshot.json"
