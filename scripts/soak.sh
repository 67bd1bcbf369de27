#!/usr/bin/env bash
# Soak (issue 15, item 5): CYCLES deploy/exec/cleanup cycles of one small description (two busybox
# instances on a private network) in a data directory of its own. Host resources are recorded
# before the first cycle, every SOAK_EVERY cycles and after the last, one table row each; the
# script ends with "flat" (exit 0) when what belongs to the soak came back to where it started,
# and with "NOT FLAT: ..." (exit 1) otherwise. Machine-wide figures (all file handles, mounts,
# namespaces, memory in use) are printed beside them but not judged: other users move them.
#
# usage: sudo scripts/soak.sh [CYCLES] [VSE]    (default 1000 cycles; vse from PATH)
#   SOAK_EVERY=N    a row every N cycles (default 100)
#   SOAK_KEEP=1     keep the data directory (default: removed at the end)
# Not in CI (an hour or more on a loaded 2-core machine); tests/Vse.Cli.Tests/Faults/SoakTests.cs
# runs 20 cycles. Figures: bench/RESULTS.md.
set -euo pipefail

cycles=${1:-1000}
vse=${2:-$(command -v vse || true)}
every=${SOAK_EVERY:-100}
if [ -z "$vse" ] || [ ! -x "$vse" ]; then
  echo "soak.sh: no vse executable (give its path as the second argument)" >&2
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "soak.sh: needs root (private networks, cgroups)" >&2
  exit 2
fi

work=$(mktemp -d /tmp/vse-soak.XXXXXX)
# On any end, a failure included: the deployments first (removing the directory under running
# instances would strand them), then the directory.
cleanup_work() {
  local id
  for id in $("$vse" ps 2>/dev/null | awk 'NR > 1 {print $1}' | sort -u); do "$vse" cleanup "$id" >/dev/null 2>&1 || true; done
  [ "${SOAK_KEEP:-0}" = 1 ] || rm -rf "$work"
}
trap cleanup_work EXIT
touch "$work/ids"
export VSE_HOME="$work/home" VSE_SITE_DIR="$work/site" VSE_SITE_STORE=""
unset VSE_PATH
mkdir -p "$VSE_SITE_DIR"
cat >"$work/soak.vse.yaml" <<'EOF'
vse: 1
name: apps/soak
os: {base: busybox}
network: {mode: private, subnet: 10.79.0.0/16}
EOF

# Processes whose command line names the soak's directory (vse, the runtime with its --root,
# instances' helpers): none between cycles. Not the environment: this script's own children carry
# VSE_HOME in theirs.
soak_pids() {
  local p
  for p in /proc/[0-9]*; do
    if grep -qsF "$work" "$p/cmdline" 2>/dev/null; then echo "${p#/proc/}"; fi
  done
}

# vse, its progress kept aside and shown only when it fails.
run_vse() {
  if ! "$vse" "$@" 2>"$work/stderr"; then
    echo "soak.sh: vse $* failed:" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
}

count_fds() {
  local n=0 p
  for p in $(soak_pids); do n=$((n + $(ls "/proc/$p/fd" 2>/dev/null | wc -l))); done
  echo "$n"
}

namespaces() { find /proc/[0-9]*/ns -type l -printf '%l\n' 2>/dev/null | sort -u | wc -l; }

# The soak's deployments' groups (apps-soak-ID-N) under every vse parent.
cgroups() {
  local n=0 parent
  for parent in /sys/fs/cgroup/vse /sys/fs/cgroup/*/vse; do
    [ -d "$parent" ] && n=$((n + $(find "$parent" -mindepth 1 -maxdepth 1 -type d -name 'apps-soak-*' | grep -cF -f "$work/ids" || true)))
  done
  echo "$n"
}

# The soak's deployments' fabric namespaces (vse-ID): every id is kept in ids.
netns() { ls /run/netns 2>/dev/null | grep -cxF -f <(sed 's/^/vse-/' "$work/ids") || true; }

row() {
  local used state db
  used=$(awk '/^MemTotal:/ {t=$2} /^MemAvailable:/ {a=$2} END {print t-a}' /proc/meminfo)
  # The data directory less its layer store (which holds the one image and does not change) and
  # the database's write-ahead log, which vse keeps between runs: it grows to SQLite's automatic
  # checkpoint (1,000 pages) and is then reused from its start (checked on its own below). Also
  # left out: vse.db-sightings (docs/build.md), whose size follows the digits of the log's size in
  # its key and is bounded by its 64 entries.
  state=$(du -sb --exclude=store --exclude=vse.db-wal --exclude=vse.db-sightings "$VSE_HOME" | cut -f1)
  db=$(( $(stat -c %s "$VSE_HOME/vse.db") + $(stat -c %s "$VSE_HOME/vse.db-wal" 2>/dev/null || echo 0) ))
  printf '%6s %8s %6s %7s %6s %6s %6s %6s %6s %6s %10s %9s %9s\n' \
    "$1" "$(cut -f1 /proc/sys/fs/file-nr)" "$(count_fds)" "$(wc -l </proc/self/mountinfo)" \
    "$(grep -cF "$work" /proc/self/mountinfo || true)" "$(namespaces)" "$(netns)" "$(cgroups)" \
    "$(soak_pids | wc -l)" "$(ls "$VSE_HOME/run" 2>/dev/null | grep -vc '^runtime$' || true)" "$used" "$state" "$db"
}

# The fields that belong to the soak, by position in a row: they must come back to their start.
judged() { awk '{print "soak-fds=" $3, "soak-mounts=" $5, "netns=" $7, "cgroups=" $8, "processes=" $9, "deployments=" $10}' <<<"$1"; }

run_vse build "$work/soak.vse.yaml" >/dev/null
# One cycle before the first row: SQLite grows its file to its working size once.
id=$(run_vse deploy "$work/soak.vse.yaml" --instances 2 | tail -n 1)
echo "$id" >"$work/ids"
run_vse cleanup "$id" >/dev/null

printf '%6s %8s %6s %7s %6s %6s %6s %6s %6s %6s %10s %9s %9s\n' \
  cycle files soakfd mounts soakmt ns netns cgroup procs deps mem-kB state-B db+wal-B
first=$(row 0)
echo "$first"
start=$SECONDS
for ((cycle = 1; cycle <= cycles; cycle++)); do
  id=$(run_vse deploy "$work/soak.vse.yaml" --instances 2 | tail -n 1)
  echo "$id" >>"$work/ids"
  run_vse exec "$id/1" -- ping -c 1 -W 5 apps-soak-0 >/dev/null
  run_vse cleanup "$id" >/dev/null
  if ((cycle % every == 0)) || ((cycle == cycles)); then
    row "$cycle"
  fi
done
last=$(row "$cycles")
elapsed=$((SECONDS - start))
echo "$cycles cycles in $elapsed s ($(awk -v s="$elapsed" -v c="$cycles" 'BEGIN {printf "%.2f", s / c}') s a cycle)"

# The state may not grow: the database (freed pages are reused) and the rest of the data directory.
first_state=$(awk '{print $12}' <<<"$first"); last_state=$(awk '{print $12}' <<<"$last")
# The log is bounded by the automatic checkpoint: 1,000 pages of 4 KiB, with room for the frame headers.
wal=$(stat -c %s "$VSE_HOME/vse.db-wal" 2>/dev/null || echo 0)
if [ "$wal" -gt $((5 * 1024 * 1024)) ]; then
  echo "NOT FLAT: the state database's write-ahead log is $wal bytes, past SQLite's automatic checkpoint"
  exit 1
fi
if [ "$(judged "$first")" != "$(judged "$last")" ] || [ "$last_state" -gt "$first_state" ]; then
  echo "NOT FLAT: before $(judged "$first") state=$first_state; after $(judged "$last") state=$last_state"
  exit 1
fi
echo "flat"
