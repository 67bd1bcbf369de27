#!/usr/bin/env bash
# Build benchmarks (issue 3), side by side in one run:
#   1. cold debian:bookworm minbase: vse build vs mmdebstrap alone (target <= 1.1x)
#   2. no-op rebuild of a cached configuration (target < 0.3 s)
#   3. one changed files step
#   4. export times per format
#   5. store size with hard-linked layers vs the same layers as plain copies
# Needs root (build steps mount overlays), hyperfine and mmdebstrap (scripts/install-deps.sh).
# Usage: bench/build.sh [--skip-debian]   Writes a markdown report to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
skip_debian=${1:-}

work=$(mktemp -d -t vse-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet build src/Vse.Cli -c Release -v quiet -nologo >/dev/null
vse="$repo/src/Vse.Cli/bin/Release/net10.0/vse"
# The native build is what users should run for short commands (bench/RESULTS.md, start-up).
dotnet publish src/Vse.Cli -c Release -r linux-x64 -v quiet -nologo --artifacts-path "$work/artifacts" -o "$work/aot" >/dev/null
aot="$work/aot/vse"
export VSE_HOME=$work/home

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc -l; }

echo "# Build benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo

cat > "$work/debian.vse.yaml" <<'YAML'
vse: 1
name: bench/debian
os: {base: "debian:bookworm", variant: minbase}
YAML

if [ "$skip_debian" != "--skip-debian" ]; then
  echo "## 1. Cold debian:bookworm minbase"
  echo
  vse_runs=(); mm_runs=()
  for i in 1 2; do
    rm -rf "$work/mm"
    mm_runs+=("$(seconds mmdebstrap --variant=minbase --mode=root --format=directory bookworm "$work/mm")")
    rm -rf "$VSE_HOME"
    vse_runs+=("$(seconds "$vse" build "$work/debian.vse.yaml")")
  done
  mm=$(printf '%s\n' "${mm_runs[@]}" | median); v=$(printf '%s\n' "${vse_runs[@]}" | median)
  echo "| command | runs (s) | median (s) |"
  echo "|---|---|---|"
  echo "| \`mmdebstrap --variant=minbase --mode=root bookworm DIR\` | ${mm_runs[*]} | $mm |"
  echo "| \`vse build debian.vse.yaml\` (empty store) | ${vse_runs[*]} | $v |"
  echo
  echo "ratio vse / mmdebstrap: $(echo "$v / $mm" | bc -l | xargs printf '%.3f')"
  echo
fi

cat > "$work/app.vse.yaml" <<'YAML'
vse: 1
name: bench/app
os: {base: busybox}
files:
  - {mkdir: /opt/app}
  - {write: /opt/app/version, content: "v0\n"}
  - {write: /etc/motd, content: "bench\n"}
build:
  - {run: "ls -R /opt > /opt/listing"}
YAML
"$vse" build "$work/app.vse.yaml" >/dev/null

echo "## 2-3. Rebuilds (busybox image, 6 layers)"
echo
# A prepare step that gives the second files step new content, so it and the two after it re-run.
cat > "$work/change.sh" <<SH
#!/bin/sh
sed -i "s|content: \"v[0-9]*|content: \"v\$(date +%N)|" "$work/app.vse.yaml"
SH
chmod +x "$work/change.sh"
hyperfine --style basic --warmup 2 --runs 15 --export-markdown "$work/rebuild.md" \
  -n "no-op rebuild (JIT)" --prepare true "$vse build $work/app.vse.yaml" \
  -n "no-op rebuild (native AOT)" --prepare true "$aot build $work/app.vse.yaml" \
  -n "one files step changed, 3 layers re-run (native AOT)" --prepare "$work/change.sh" "$aot build $work/app.vse.yaml" \
  -n "floor: vse validate (native AOT: start-up + resolve)" --prepare true "$aot validate $work/app.vse.yaml" >/dev/null
cat "$work/rebuild.md"
echo

echo "## 4. Exports"
echo
if [ "$skip_debian" != "--skip-debian" ]; then image="$work/debian.vse.yaml"; label="debian minbase"; else image="$work/app.vse.yaml"; label="busybox"; fi
"$vse" build "$image" >/dev/null
commands=()
for format in dir tar oci squashfs ext4 qcow2; do
  commands+=(-n "$format ($label)" --prepare "rm -rf $work/out.$format" "$aot build $image --output $format:$work/out.$format")
done
hyperfine --style basic --warmup 1 --runs 5 --export-markdown "$work/export.md" \
  -n "no export (floor)" --prepare true "$aot build $image" "${commands[@]}" >/dev/null
cat "$work/export.md"
echo

echo "## 5. Store size"
echo
store=$(du -sb "$VSE_HOME/store/layers" | cut -f1)
plain=0
for layer in "$VSE_HOME"/store/layers/*/rootfs; do
  plain=$((plain + $(du -sb "$layer" | cut -f1)))
done
layers=$(ls "$VSE_HOME/store/layers" | wc -l)
echo "| | bytes |"
echo "|---|---|"
echo "| store, $layers layers (hard links counted once, \`du -sb store/layers\`) | $store |"
echo "| the same layers as plain copies (sum of \`du -sb\` per layer) | $plain |"
echo
echo "dedup ratio: $(echo "$plain / $store" | bc -l | xargs printf '%.1f')x"
