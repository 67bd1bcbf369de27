#!/usr/bin/env bash
# LAMMPS in.melt (Debian's lammps, 4,000 atoms, 250 steps) natively and in vse instances:
#   native       mpirun -np 4 --oversubscribe lmp on the host (the host's lammps and Open MPI)
#   one-4        4 ranks in one instance (mpirun -np 4 --oversubscribe inside it: shared memory)
#   across-4     4 instances, one rank each: mpirun --hostfile /etc/vse/hostfile (TCP over the
#                private network), no MPI option of the user's: what vse sets is all there is
#   across-16    the same over 16 instances (16 ranks)
#   across-4-spin  (--spin) across-4 with vse's setting undone on the command line
#                (--mca mpi_yield_when_idle 0): what the setting is worth; ~17 s a run here
# Every run prints LAMMPS's own "Loop time of T on N procs" (the 250 steps, not start-up);
# reported: the median over rounds, the spread ((max - min) / median) and the ratio of medians
# to one-4 and to native. Arms run in rotating order each round, so drift on a shared machine
# falls on all alike. The step-250 energies of every arm must equal native's (checked).
#
# Usage: bench/lammps.sh [--rounds N] [--spin] [--vse PATH]
#   --rounds N  rounds (default 5)
#   --spin      also across-4-spin
#   --vse PATH  this vse executable instead of publishing one
# VSE_HOME, when set, is used (and keeps the image); else a temporary one.
# Needs root, the host's lammps (lmp; mpirun comes with it; scripts/install-deps.sh), mmdebstrap, runc, ssh-keygen,
# the .NET SDK unless --vse. Markdown to stdout, progress to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

rounds=5
spin=0
vse=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --spin) spin=1; shift ;;
    --vse) vse=$(realpath "$2"); shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "lammps.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[[ $rounds =~ ^[0-9]+$ && $rounds -ge 1 ]] || { echo "lammps.sh: --rounds wants a positive integer" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "lammps.sh: run as root (vse deploy needs it)" >&2; exit 2; }
command -v lmp >/dev/null && command -v mpirun >/dev/null || { echo "lammps.sh: needs lmp and mpirun on the host (scripts/install-deps.sh)" >&2; exit 2; }

work=$(mktemp -d -t vse-lammps-XXXXXX)
# VSE_HOME from the caller keeps the image between runs (a cold Debian build with LAMMPS takes minutes).
export VSE_HOME=${VSE_HOME:-$work/home} VSE_SITE_DIR=$repo/examples/site
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
deps=()
cleanup() {
  for dep in "${deps[@]}"; do "$vse" cleanup "$dep" >/dev/null 2>&1 || true; done
  rm -rf "$work"
}
trap cleanup EXIT
say() { echo "== [${SECONDS}s] $*" >&2; }

if [[ -z $vse ]]; then
  say "publishing vse (dotnet publish src/Vse.Cli -c Release -r linux-x64)"
  dotnet publish src/Vse.Cli -c Release -r linux-x64 -v quiet -nologo --artifacts-path "$work/artifacts" -o "$work/vse" >/dev/null
  vse=$work/vse/vse
fi

description=examples/apps/lammps/lammps.vse.yaml
say "building $description"
"$vse" build "$description" >/dev/null
declare -A dep
for n in 1 4 16; do
  say "deploying $n instance(s)"
  dep[$n]=$("$vse" deploy "$description" --instances "$n" 2>/dev/null)
  deps+=("${dep[$n]}")
done

lammps=(lmp -in /opt/lammps/in.melt -log none)
run_arm() { # ARM -> LAMMPS's output
  case "$1" in
    native) mpirun -np 4 --oversubscribe lmp -in examples/apps/lammps/input/in.melt -log none ;;
    one-4) "$vse" exec "${dep[1]}/0" -- mpirun -np 4 --oversubscribe "${lammps[@]}" ;;
    across-4) "$vse" exec "${dep[4]}/0" -- mpirun --hostfile /etc/vse/hostfile "${lammps[@]}" ;;
    across-16) "$vse" exec "${dep[16]}/0" -- mpirun --hostfile /etc/vse/hostfile "${lammps[@]}" ;;
    across-4-spin) "$vse" exec "${dep[4]}/0" -- mpirun --hostfile /etc/vse/hostfile --mca mpi_yield_when_idle 0 "${lammps[@]}" ;;
  esac
}
step250() { awk '$1 == 250 && NF == 6 {print $2, $3, $5, $6}' <<<"$1"; }

arms=(native one-4 across-4 across-16)
[[ $spin == 1 ]] && arms+=(across-4-spin)
reference=$(step250 "$(run_arm native)")
[[ -n $reference ]] || { echo "lammps.sh: the native run printed no step 250" >&2; exit 1; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
started=$(date -u +%H:%M:%S)
raw=$work/raw.tsv
: > "$raw"
n=${#arms[@]}
for ((r = 0; r < rounds; r++)); do
  order=()
  for ((i = 0; i < n; i++)); do order+=("${arms[$(((i + r) % n))]}"); done
  say "round $((r + 1))/$rounds: ${order[*]}"
  for arm in "${order[@]}"; do
    out=$(run_arm "$arm")
    [[ $(step250 "$out") == "$reference" ]] || { echo "lammps.sh: $arm ended at '$(step250 "$out")', native at '$reference'" >&2; exit 1; }
    loop=$(awk '/^Loop time of/ {print $4}' <<<"$out")
    printf '%s\t%s\t%s\n' "$r" "$arm" "$loop" >> "$raw"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

echo "# LAMMPS in.melt: native and in vse instances ($(date -u +%Y-%m-%d) $started UTC)"
echo
echo "Machine: $(nproc) CPUs, Linux $(uname -r); lammps $(dpkg-query -W -f='${Version}' lammps), Open MPI $(dpkg-query -W -f='${Version}' openmpi-bin) (host and image: Debian bookworm); vse $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
echo "Load average before/after: $load_before / $load_after. Rounds: $rounds, arms in rotating order. Step-250 energies of every run equal native's ($reference)."
echo "Command: \`bench/lammps.sh --rounds $rounds$([[ $spin == 1 ]] && echo ' --spin')\`"
echo
python3 - "$raw" "${arms[@]}" <<'PY'
import statistics as st, sys
raw, arms = sys.argv[1], sys.argv[2:]
loops = {a: [] for a in arms}
for line in open(raw):
    _, arm, value = line.rstrip("\n").split("\t")
    loops[arm].append(float(value))
med = {a: st.median(v) for a, v in loops.items()}
print("| arm | loop time median (s) | spread | / one-4 | / native | runs (s) |")
print("|---|---:|---:|---:|---:|---|")
for a in arms:
    v = loops[a]
    print(f"| {a} | {med[a]:.3f} | {(max(v) - min(v)) / med[a] * 100:.0f} % | {med[a] / med['one-4']:.2f}x | {med[a] / med['native']:.2f}x | {' '.join(f'{x:.2f}' for x in v)} |")
PY
