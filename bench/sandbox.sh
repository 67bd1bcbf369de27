#!/usr/bin/env bash
# Sandbox benchmarks (issue 4), side by side in one run:
#   1. one-shot /bin/true: vse run vs the raw OCI runtime on the same rootfs vs bubblewrap
#   2. exec latency into a running instance: vse exec vs runc exec
#   3. memory per idle instance (20 instances)
# Needs root, hyperfine, runc, bwrap (scripts/install-deps.sh). Writes markdown to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=$(mktemp -d -t vse-sandbox-bench-XXXXXX)
export VSE_HOME=$work/home
cleanup() {
  [ -n "${vse:-}" ] && for dep in $("$vse" ps 2>/dev/null | awk 'NR > 1 {print $1}' | sort -u); do "$vse" cleanup "$dep" >/dev/null 2>&1 || true; done
  runc --root "$work/runc" delete --force bench-exec >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet publish src/Vse.Cli -c Release -r linux-x64 -v quiet -nologo --artifacts-path "$work/artifacts" -o "$work/aot" >/dev/null
vse="$work/aot/vse"
cat > "$work/tiny.vse.yaml" <<'YAML'
vse: 1
name: bench/tiny
os: {base: busybox}
run: /bin/true
YAML
"$vse" build "$work/tiny.vse.yaml" >/dev/null
rootfs=$(find "$VSE_HOME/store/layers" -maxdepth 3 -path '*/rootfs/.vse' -printf '%h\n' | head -n 1)

# The raw runtime gets the bundle vse writes, with the configuration as a read-only root
# (no overlay: the floor of what the runtime itself costs).
dep=$("$vse" deploy "$work/tiny.vse.yaml" 2>/dev/null)
state=$(find "$VSE_HOME/run/$dep" -maxdepth 1 -mindepth 1 -type d | head -n 1)
mkdir -p "$work/bundle"
python3 - "$state/config.json" "$work/bundle/config.json" "$rootfs" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["root"] = {"path": sys.argv[3], "readonly": True}
spec["mounts"] = [m for m in spec["mounts"] if m["destination"] != "/"]  # vse's overlay over the root
spec["process"]["args"] = ["/bin/true"]
spec["linux"].pop("cgroupsPath", None)
json.dump(spec, open(sys.argv[2], "w"))
PY
"$vse" cleanup "$dep" >/dev/null

echo "# Sandbox benchmarks ($(date -u +%Y-%m-%d), $(nproc) cores, runc $(runc --version | head -n1 | awk '{print $3}'), bwrap $(bwrap --version | awk '{print $2}'))"
echo
echo "## 1. One-shot /bin/true"
echo
hyperfine --style basic -N --warmup 3 --runs 20 --export-markdown "$work/oneshot.md" \
  -n "bwrap --unshare-all (floor)" "bwrap --ro-bind $rootfs / --proc /proc --dev /dev --unshare-all /bin/true" \
  -n "runc run (same config, read-only root)" "runc --root $work/runc run --bundle $work/bundle bench-oneshot" \
  -n "vse run -- /bin/true (native build: resolve, cached build, deploy, exec, cleanup)" "$vse run $work/tiny.vse.yaml -- /bin/true" >/dev/null
cat "$work/oneshot.md"
echo

echo "## 2. Exec latency into a running instance"
echo
dep=$("$vse" deploy "$work/tiny.vse.yaml" 2>/dev/null)
id=$("$vse" ps | awk -v d="$dep" '$1 == d {print $4}' | head -n 1)
container=$(ls "$VSE_HOME/run/runtime" | head -n 1)
hyperfine --style basic -N --warmup 3 --runs 30 --export-markdown "$work/exec.md" \
  -n "runc exec" "runc --root $VSE_HOME/run/runtime exec $container /bin/true" \
  -n "vse exec (native build)" "$vse exec $dep -- /bin/true" >/dev/null
cat "$work/exec.md"
"$vse" cleanup "$dep" >/dev/null
echo

echo "## 3. Memory per idle instance"
echo
sync; echo 3 > /proc/sys/vm/drop_caches
before=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
dep=$("$vse" deploy "$work/tiny.vse.yaml" --instances 20 2>/dev/null)
sleep 2
after=$(awk '/MemAvailable/ {print $2}' /proc/meminfo)
echo "| instances | MemAvailable drop (KiB) | per instance (KiB) |"
echo "|---|---|---|"
echo "| 20 | $((before - after)) | $(((before - after) / 20)) |"
"$vse" cleanup "$dep" >/dev/null
