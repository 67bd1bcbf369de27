#!/usr/bin/env bash
# The example test matrix (examples/testing/matrix.yaml, docs/testing.md): all 8 cells (bookworm and
# trixie x sandbox and vm x 4 and 16 instances), twice in one fresh VSE_HOME: cold (both Debian
# bases, iputils-ping, the kernel and the VM disks built) and warm (everything cached: deploy, boot,
# check, cleanup only). Prints each run's cell table, wall time and machine load before and after.
# Needs root, qemu-system-x86 and the local Debian mirror (scripts/install-deps.sh).
# Usage: bench/matrix.sh [VSE]    (default: a native AOT vse published here). Writes markdown to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
[ "$(id -u)" -eq 0 ] || { echo "bench/matrix.sh needs root" >&2; exit 2; }

work=$(mktemp -d -t vse-matrix-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
vse=${1:-$(publish_vse "$work")}
export VSE_HOME=$work/home
echo "## Example matrix (\`bench/matrix.sh\`), $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores"
echo
for run in cold warm; do
  say "$run run"
  before=$(machine_load)
  start=$(date +%s.%N)
  set +e
  "$vse" test examples/testing/matrix.yaml --junit "$work/$run.xml" > "$work/$run.out" 2>&1
  code=$?
  set -e
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  echo "### $run: exit code $code, ${wall%.*} s wall"
  echo
  echo "before: $before; after: $(machine_load)"
  echo
  echo '```'
  sed -n '/^CELL/,$p' "$work/$run.out"
  echo '```'
  echo
done
