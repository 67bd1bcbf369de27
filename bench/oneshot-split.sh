#!/usr/bin/env bash
# Where a one-shot run's WALL time sits around runc (issue 12 item 6): `vse run FILE -- true` on the
# runc path under `strace -f --seccomp-bpf -e trace=execve,exit_group` (only those two calls are
# traced, so nearly no overhead), split at runc's execve and runc's exit:
#   pre   vse's exec to runc's exec (vse's preparation)
#   runc  runc's exec to its exit (what a raw `runc run` also costs)
#   post  runc's exit to vse's exit (vse's tail)
# Two native vse builds, interleaved run by run, each with its own VSE_HOME; medians printed.
#
# Usage: bench/oneshot-split.sh --vse DIR --before DIR [--runs N]
# Needs root, strace, runc, python3.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
vse_dir="" before_dir="" runs=20
while [[ $# -gt 0 ]]; do
    case "$1" in
        --vse) vse_dir=$2; shift 2 ;;
        --before) before_dir=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "oneshot-split.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ -n $vse_dir && -n $before_dir ]] || { echo "oneshot-split.sh: --vse and --before are required" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "oneshot-split.sh: needs root" >&2; exit 4; }
for tool in strace runc python3; do
    command -v $tool >/dev/null || { echo "oneshot-split.sh: $tool is missing" >&2; exit 4; }
done

# shellcheck source=bench/common.sh
source "$repo/bench/common.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/vse-oneshot-split.XXXXXX")
trap 'rm -rf "$work"' EXIT
oneshot_description "$work/tiny.vse.yaml"
declare -A dirs=([after]=$vse_dir [before]=$before_dir)
for build in after before; do
    oneshot_home "$work/home-$build" "${dirs[$build]}/vse" "$work/tiny.vse.yaml" default
done

split() { # TRACE -> "PRE RUNC POST" in ms
    python3 - "$1" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
start = float(lines[0].split()[1])
runc = next(l for l in lines if 'execve("' in l and '/runc"' in l.split(',')[0])
runc_pid, runc_exec = runc.split()[0], float(runc.split()[1])
runc_exit = next(float(l.split()[1]) for l in lines if l.startswith(runc_pid + " ") and "+++ exited" in l)
end = float(lines[-1].split()[1])
print(f"{1000 * (runc_exec - start):.2f} {1000 * (runc_exit - runc_exec):.2f} {1000 * (end - runc_exit):.2f}")
PY
}

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for _ in $(seq "$runs"); do
    for build in after before; do
        VSE_HOME=$work/home-$build strace -f --seccomp-bpf -e trace=execve,exit_group -e signal=none -ttt -o "$work/trace" \
            "${dirs[$build]}/vse" run "$work/tiny.vse.yaml" -- true >/dev/null 2>&1
        split "$work/trace" >>"$work/$build.split"
    done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo "| build | pre (ms) | runc (ms) | post (ms) |"
echo "|---|---:|---:|---:|"
for build in after before; do
    python3 - "$work/$build.split" "$build (${dirs[$build]})" <<'PY'
import statistics, sys
rows = [list(map(float, l.split())) for l in open(sys.argv[1])]
print(f"| {sys.argv[2]} | " + " | ".join(f"{statistics.median(c):.1f}" for c in zip(*rows)) + " |")
PY
done
