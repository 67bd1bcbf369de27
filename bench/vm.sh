#!/usr/bin/env bash
# The VM driver (issue 6), side by side in one run, with the accelerator named:
#   1. boot to ready, interleaved run by run: `vse deploy --driver vm` of a busybox description (the whole command:
#      process start, disk overlay, QEMU, kernel, initramfs, agent hello and configuration)
#      against a bare qemu-system-x86_64 with the same kernel, initramfs, disk and devices,
#      timed until the agent in the guest says it is ready (bench/vm-bare-boot.sh);
#   2. exec round trip: `vse exec DEP -- true` on a VM and on a sandbox;
#   3. 1, 2, 4, 8 VMs deployed at once: seconds until all are ready, RSS per VM, cleanup.
# Needs root (the sandbox comparison), qemu-system-x86, hyperfine (scripts/install-deps.sh).
# Usage: bench/vm.sh [RUNS]    (default 10 runs per timing). Writes markdown to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
[ "$(id -u)" -eq 0 ] || { echo "bench/vm.sh needs root" >&2; exit 2; }

work=$(mktemp -d -t vse-vm-bench-XXXXXX)
export VSE_HOME=$work/home
cleanup_all() {
  for dep in $("$vse" ps 2>/dev/null | awk 'NR > 1 {print $1}' | sort -u); do "$vse" cleanup "$dep" >/dev/null 2>&1; done
}
finish() {
  set +e
  [ -n "${vse:-}" ] && cleanup_all
  rm -rf "$work"
}
trap finish EXIT
now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }
ratio() { echo "scale=2; $1 / $2" | bc; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

make -s -C native/vse-agent
dotnet publish src/Vse.Cli -c Release -r linux-x64 -v quiet -nologo --artifacts-path "$work/artifacts" -o "$work/aot" >/dev/null
vse=$work/aot/vse
export VSE_AGENT=$PWD/native/vse-agent/vse-agent
cat > "$work/node.vse.yaml" <<YAML
vse: 1
name: bench/vm
os: {base: busybox}
YAML

# Warm: the kernel fetched, the configuration built and exported to its base disk, the initramfs made.
dep=$("$vse" deploy --driver vm "$work/node.vse.yaml" 2>/dev/null)
accelerator=$("$vse" ps | awk 'NR == 2 {print $3}')
release=$("$vse" exec "$dep" -- uname -r)
machine=$VSE_HOME/run/$dep/0/machine.json
read -r kernel initrd memory cmdline < <(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(m["kernel"], m["initrd"], m["memory_mib"], m["command_line"])' "$machine")
base=$(qemu-img info -U --output json "$VSE_HOME/run/$dep/0/disk.qcow2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["backing-filename"])')
"$vse" cleanup "$dep" >/dev/null

echo "## VM driver: boot, exec, concurrency ($accelerator)"
echo
echo "Command: \`bench/vm.sh $runs\` (root; publishes the native vse first). $(date -u +%Y-%m-%d\ %H:%M) UTC, $(nproc) cores, QEMU $(qemu-system-x86_64 --version | head -n 1 | awk '{print $4}'), guest kernel $release."
echo
echo "### Boot to ready ($runs runs each, interleaved: vse, bare, vse, bare, ...)"
echo
for i in $(seq "$runs"); do
  start=$(now)
  dep=$("$vse" deploy --driver vm "$work/node.vse.yaml" 2>/dev/null)
  elapsed "$start" "$(now)" >> "$work/boot-vse"
  "$vse" cleanup "$dep" >/dev/null
  start=$(now)
  bench/vm-bare-boot.sh "$kernel" "$initrd" "$base" "$memory" "$cmdline" 2>/dev/null
  elapsed "$start" "$(now)" >> "$work/boot-bare"
done
vse_boot=$(median < "$work/boot-vse")
bare_boot=$(median < "$work/boot-bare")
echo "| | median s | min s | max s |"
echo "|---|---|---|---|"
printf '| `vse deploy --driver vm` (whole command: vse start, overlay, QEMU, boot, agent configured) | %.2f | %.2f | %.2f |\n' "$vse_boot" "$(sort -n "$work/boot-vse" | head -n 1)" "$(sort -n "$work/boot-vse" | tail -n 1)"
printf '| bare `qemu-system-x86_64`, same kernel, initramfs, disk, devices (until the agent is up) | %.2f | %.2f | %.2f |\n' "$bare_boot" "$(sort -n "$work/boot-bare" | head -n 1)" "$(sort -n "$work/boot-bare" | tail -n 1)"
echo
echo "vse / bare (medians): **$(ratio "$vse_boot" "$bare_boot")x**"

echo
echo "### Exec round trip (\`vse exec DEP -- true\`, whole command, 20 runs each)"
echo
vm=$("$vse" deploy --driver vm "$work/node.vse.yaml" 2>/dev/null)
sandbox=$("$vse" deploy "$work/node.vse.yaml" 2>/dev/null)
hyperfine --style none --runs 20 --warmup 2 --export-json "$work/exec.json" \
  -n vm "$vse exec $vm -- true" -n sandbox "$vse exec $sandbox -- true" >/dev/null 2>&1
python3 - "$work/exec.json" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
print("| | median ms | mean ± sd ms |")
print("|---|---|---|")
for name in ("vm", "sandbox"):
    r = results[name]
    print(f"| {name} | {r['median'] * 1000:.1f} | {r['mean'] * 1000:.1f} ± {r['stddev'] * 1000:.1f} |")
print(f"\nvm / sandbox (medians): {results['vm']['median'] / results['sandbox']['median']:.2f}x")
PY
cleanup_all

echo
echo "### Concurrent VMs (\`vse deploy --driver vm -n N\`, 4 booting at a time)"
echo
echo "| N | s until all ready | s per VM | RSS per VM, MiB | cleanup s |"
echo "|---|---|---|---|---|"
for n in 1 2 4 8; do
  start=$(now)
  dep=$("$vse" deploy --driver vm -n "$n" "$work/node.vse.yaml" 2>/dev/null)
  up=$(elapsed "$start" "$(now)")
  rss=$(ps -C qemu-system-x86_64 -o rss= | awk -v n="$n" '{s+=$1} END {printf "%.0f", s / 1024 / n}')
  start=$(now)
  "$vse" cleanup "$dep" >/dev/null
  gone=$(elapsed "$start" "$(now)")
  printf '| %d | %.2f | %.2f | %s | %.2f |\n' "$n" "$up" "$(ratio "$up" "$n")" "$rss" "$gone"
done
