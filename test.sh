#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests need, builds, runs every
# test project and ends with one summary line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"

if [ "$(id -u)" -eq 0 ]; then
  scripts/install-deps.sh
fi

results=TestResults
rm -rf "$results"
# The build also makes the C helpers (vse-launch, vse-agent) and puts them beside vse (native/Native.targets).
dotnet build vse.slnx -c Release -v quiet -nologo
status=0
dotnet test vse.slnx -c Release --no-build -nologo --results-directory "$results" \
  --logger "trx" --logger "console;verbosity=normal" || status=$?

sum() { grep -ho "$1=\"[0-9]*\"" "$results"/*.trx 2>/dev/null | grep -o '[0-9]*' | awk '{s+=$1} END {print s+0}'; }
total=$(sum total); passed=$(sum passed); failed=$(sum failed)
skipped=$(( ${total:-0} - ${passed:-0} - ${failed:-0} ))
# CI keeps only the tail of what this prints: name each failed test and its message's first
# lines here, after the per-test output, so a failure can be read from that tail alone.
if [ "${failed:-0}" -gt 0 ]; then
  echo
  echo "failed tests:"
  python3 scripts/trx-failures.py "$results"/*.trx || true
fi
echo
echo "${passed:-0} passed, ${failed:-0} failed, ${skipped} skipped"
if [ "${total:-0}" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
