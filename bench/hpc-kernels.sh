#!/usr/bin/env bash
# Compute kernels inside a vse sandbox vs natively (target: within 1 %).
#
# Kernels (bench/kernels/, compiled here with gcc -O3 -march=native -static, so the very same
# binary runs on the host and in a busybox image):
#   stream   STREAM copy/scale/add/triad, 3 arrays of 128 MiB, best of the passes, MB/s
#   dgemm    blocked C DGEMM, N=1024, best of the trials, GFLOP/s
#   dgemm-openblas  (--openblas) the same driver calling OpenBLAS' cblas_dgemm, statically
#            linked (Debian libopenblas-dev; OpenBLAS picks its own thread count, as a user's
#            program would)
# Every kernel times itself with CLOCK_MONOTONIC and prints the best rate of its passes
# (McCalpin's rule), so neither process start-up nor `vse exec` is in any number.
#
# The sandbox: a busybox description with a `files` step copying the binaries in and NO
# `resources` (no CPU quota, no memory limit), deployed once; every sandbox run is a
# `vse exec` into that instance. With --limits a second deployment of the same image with
# `resources: {cpus: 2, memory: 2Gi}` (limits that do not bind on this 2-CPU machine) shows
# what a CPU quota and a memory limit cost by themselves.
#
# Native and sandboxed runs see the same environment variables (those of the instance).
# Runs are interleaved: each round runs every kernel in every arm -- native, sandbox, a second
# native run (the control: native vs native shows the noise level) and, with --limits, the
# limited sandbox -- and the order of the arms rotates from round to round, so drift on a
# shared machine falls on all arms alike. Nothing is pinned (no taskset, no numactl, no
# governor changes). Reported per kernel: median over rounds, spread ((max - min) / median),
# the ratio of medians to the first native arm, and the median of the per-round ratios.
#
# Usage: bench/hpc-kernels.sh [--rounds N] [--openblas] [--limits] [--vse PATH] [--keep]
#   --rounds N  rounds (default 5; every round is one run of each kernel in each arm)
#   --openblas  also the OpenBLAS DGEMM (needs libopenblas-dev: apt-get install libopenblas-dev)
#   --limits    also a sandbox with resources {cpus: 2, memory: 2Gi}
#   --vse PATH  use this vse executable instead of publishing one (saves ~1 min)
#   --keep      keep the work directory (binaries, raw outputs) and print its name
# Needs root (vse deploy), gcc with static glibc (libc6-dev), runc, busybox-static, python3,
# the .NET SDK unless --vse. Writes markdown to stdout, progress to stderr.
# ~2-2.5 min on a quiet 2-core machine (estimate); measured 6 min at load average 12-20, of which
# the vse publish was 3.5 min (--vse saves that).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

rounds=5
openblas=0
limits=0
vse=""
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --openblas) openblas=1; shift ;;
    --limits) limits=1; shift ;;
    --vse) vse=$(realpath "$2"); shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,37p' "$0"; exit 0 ;;
    *) echo "hpc-kernels.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[[ $rounds =~ ^[0-9]+$ && $rounds -ge 1 ]] || { echo "hpc-kernels.sh: --rounds wants a positive integer" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "hpc-kernels.sh: run as root (vse deploy needs it)" >&2; exit 2; }

work=$(mktemp -d -t vse-hpc-kernels-XXXXXX)
export VSE_HOME=$work/home
deps=()
cleanup() {
  for dep in "${deps[@]}"; do "$vse" cleanup "$dep" >/dev/null 2>&1 || true; done
  if [[ $keep == 1 ]]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
# shellcheck source=bench/common.sh
source bench/common.sh

# --- vse -----------------------------------------------------------------------------------
[[ -n $vse ]] || vse=$(publish_vse "$work")

# --- kernels -------------------------------------------------------------------------------
say "compiling kernels"
mkdir -p "$work/img/kernels"
cflags=(-O3 -march=native -static -Wall -Wextra)
gcc "${cflags[@]}" -o "$work/img/kernels/stream" bench/kernels/stream.c -lm
gcc "${cflags[@]}" -o "$work/img/kernels/dgemm" bench/kernels/dgemm.c -lm
kernels=(stream dgemm)
declare -A args=([stream]="16777216 20" [dgemm]="1024 10" [dgemm-openblas]="1024 10")
if [[ $openblas == 1 ]]; then
  ob=/usr/lib/x86_64-linux-gnu/openblas-pthread
  if [[ ! -f $ob/libopenblas.a ]]; then
    echo "hpc-kernels.sh: --openblas needs $ob/libopenblas.a (apt-get install libopenblas-dev)" >&2; exit 2
  fi
  gcc "${cflags[@]}" -DUSE_CBLAS -I/usr/include/x86_64-linux-gnu/openblas-pthread -o "$work/img/kernels/dgemm-openblas" \
    bench/kernels/dgemm.c -L"$ob" -lopenblas -lpthread -lm
  kernels+=(dgemm-openblas)
fi

# --- the sandbox -----------------------------------------------------------------------------
say "building and deploying the busybox image with the kernels"
cat > "$work/img/kernels.vse.yaml" <<'YAML'
vse: 1
name: bench/hpc-kernels
description: static compute kernels on busybox, no resource limits
os: {base: busybox}
files:
  - {copy: ./kernels, to: /opt/kernels}
YAML
"$vse" build "$work/img/kernels.vse.yaml" >/dev/null
dep=$("$vse" deploy "$work/img/kernels.vse.yaml" 2>/dev/null)
deps+=("$dep")
arms=(native sandbox native-2)
declare -A target=([native]="" [native-2]="" [sandbox]="$dep")
if [[ $limits == 1 ]]; then
  sed -e 's|^name: .*|name: bench/hpc-kernels-limited|' \
      -e 's|^description: .*|description: static compute kernels on busybox, with limits that do not bind here|' \
      "$work/img/kernels.vse.yaml" > "$work/img/kernels-limited.vse.yaml"
  printf 'resources: {cpus: 2, memory: 2Gi}\n' >> "$work/img/kernels-limited.vse.yaml"
  "$vse" build "$work/img/kernels-limited.vse.yaml" >/dev/null
  ldep=$("$vse" deploy "$work/img/kernels-limited.vse.yaml" 2>/dev/null)
  deps+=("$ldep")
  arms+=(sandbox-limits)
  target[sandbox-limits]=$ldep
fi
# Check that every kernel runs (and validates) in the sandbox before timing anything.
declare -A quick=([stream]="100000 2" [dgemm]="64 1" [dgemm-openblas]="64 1")
for d in "${deps[@]}"; do
  for k in "${kernels[@]}"; do
    # shellcheck disable=SC2086
    "$vse" exec "$d" -- /opt/kernels/$k ${quick[$k]} >/dev/null
  done
done

# Native runs get exactly the environment a process in the instance has (env -i plus the
# instance's variables): the caller's environment can change a kernel's code path. On the
# machine of bench/RESULTS.md, OPENBLAS_CORETYPE=Haswell in the login environment made the
# native OpenBLAS use AVX2 kernels and the sandboxed one (without that variable) AVX-512:
# a 2x "sandbox speed-up" that had nothing to do with the sandbox.
mapfile -t sandbox_env < <("$vse" exec "$dep" -- env | grep -v -e '^PWD=' -e '^SHLVL=' -e '^_=')
say "environment of every run (native runs too): ${sandbox_env[*]}"

run_arm() { # ARM KERNEL -> the kernel's RESULT line
  local arm=$1 k=$2 out
  # shellcheck disable=SC2086 # args are several words on purpose
  if [[ -z ${target[$arm]} ]]; then out=$(env -i "${sandbox_env[@]}" "$work/img/kernels/$k" ${args[$k]})
  else out=$("$vse" exec "${target[$arm]}" -- /opt/kernels/$k ${args[$k]}); fi
  grep '^validation: ok' <<<"$out" >/dev/null || { echo "hpc-kernels.sh: $k ($arm) did not validate:" >&2; echo "$out" >&2; exit 1; }
  grep '^RESULT ' <<<"$out"
  grep '^WAIT ' <<<"$out" | sed "s/pct=/wait:$k=/"
}

# --- timed rounds -----------------------------------------------------------------------------
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
psi_before=$(awk '/^some/ {print $2}' /proc/pressure/cpu 2>/dev/null || echo n/a)
started=$(date -u +%H:%M:%S)
raw=$work/raw.tsv
: > "$raw"
for ((r = 0; r < rounds; r++)); do
  mapfile -t order < <(rotated_arms "$r" "${arms[@]}")
  say "round $((r + 1))/$rounds: ${order[*]}"
  for k in "${kernels[@]}"; do
    for arm in "${order[@]}"; do
      for kv in $(run_arm "$arm" "$k" | cut -d' ' -f2-); do
        [[ $kv == *=n/a ]] && continue
        metric=${kv%%=*}
        [[ $k == stream || $metric == wait:* ]] || metric=$k # one number per DGEMM binary, named after it
        printf '%s\t%s\t%s\t%s\n' "$r" "$arm" "$metric" "${kv#*=}" >> "$raw"
      done
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
psi_after=$(awk '/^some/ {print $2}' /proc/pressure/cpu 2>/dev/null || echo n/a)

# --- report ----------------------------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo "# Compute kernels: sandbox vs native ($(date -u +%Y-%m-%d) $started UTC)"
echo
echo "Machine: $(nproc) CPUs ($cpu), $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) RAM, Linux $(uname -r);" \
  "gcc $(gcc -dumpfullversion), runc $(runc --version | awk 'NR == 1 {print $3}'); vse $(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo '?')."
echo "Load average before/after: $load_before / $load_after; CPU pressure (some, avg10) before/after: $psi_before / $psi_after."
echo "Rounds: $rounds, arms in rotating order: ${arms[*]}. Sandbox: busybox image, no resource limits$([[ $limits == 1 ]] && echo '; sandbox-limits: resources {cpus: 2, memory: 2Gi}')."
echo
python3 - "$raw" "${arms[@]}" <<'PY'
import statistics as st, sys
from collections import defaultdict
raw, arms = sys.argv[1], sys.argv[2:]
data = defaultdict(dict)  # (metric) -> arm -> {round: value}
order = []
for line in open(raw):
    r, arm, metric, value = line.split("\t")
    if metric not in order: order.append(metric)
    data[metric].setdefault(arm, {})[int(r)] = float(value)
unit = lambda m: "GFLOP/s" if m.startswith("dgemm") else "MB/s"
label = {"dgemm": "dgemm (blocked C, N=1024)", "dgemm-openblas": "dgemm (OpenBLAS, N=1024)"}
def spread(v): return (max(v) - min(v)) / st.median(v) * 100
others = [a for a in arms if a != "native"]
print("| kernel | unit | " + " | ".join(f"{a} median (spread)" for a in arms) + " | "
      + " | ".join(f"{a} / native: ratio of medians (median of per-round ratios)" for a in others) + " |")
print("|---|---|" + "---:|" * (len(arms) + len(others)))
waits = [m for m in order if m.startswith("wait:")]
order = [m for m in order if m not in waits]
for m in order:
    nat = data[m]["native"]
    cells = [f"{st.median(data[m][a].values()):.1f} ({spread(list(data[m][a].values())):.1f} %)" for a in arms]
    ratios = []
    for a in others:
        per_round = [data[m][a][r] / nat[r] for r in nat if r in data[m][a]]
        ratios.append(f"{st.median(data[m][a].values()) / st.median(nat.values()):.4f} ({st.median(per_round):.4f})")
    print(f"| {label.get(m, m)} | {unit(m)} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |")
print()
print("Spread = (max - min) / median over the rounds; each value is the kernel's own best pass. native-2 is a second")
print("native run in the same rounds: native-2 / native is the noise floor of this machine at this time.")
if waits:
    print()
    print("Share of each run's timed section spent runnable but waiting for a CPU (/proc/thread-self/schedstat;")
    print("0 % on an idle machine), median (min-max) over the rounds:")
    print()
    print("| kernel | " + " | ".join(arms) + " |")
    print("|---|" + "---:|" * len(arms))
    for m in waits:
        cells = []
        for a in arms:
            v = list(data[m].get(a, {}).values())
            cells.append(f"{st.median(v):.0f} % ({min(v):.0f}-{max(v):.0f})" if v else "n/a")
        print(f"| {m[5:]} | " + " | ".join(cells) + " |")
print()
print("<details><summary>every value (round, arm, metric, value)</summary>")
print()
print("```")
for line in open(raw): print(line.rstrip("\n"))
print("```")
print("</details>")
PY
