#!/usr/bin/env bash
# Scale emulation (issue 5): N instances of a busybox description on this machine, side by side
# in one run, for each N:
#   vse deploy -n N                       (OCI runtime path: runc create + start per instance, 4 at a time)
#   vse deploy -n N --runtime vse-launch  (bulk path: one launcher process; no network, then a
#                                          private network: bridges, veths, addresses)
#   runc run -d, N times                  (the bundles vse writes, each with its own overlay; 4 at a time)
#   bwrap --unshare-all                   (the floor: namespaces and a read-only root, no overlay, no cgroup)
# Measured: wall time until all N run, memory per instance (MemAvailable drop / N), and wall
# time until all N are gone again. Needs root, runc, bwrap (scripts/install-deps.sh).
# Usage: bench/scale.sh [N...]        (default: 16 64 256 1024). Writes markdown to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(16 64 256 1024)
[ "$(id -u)" -eq 0 ] || { echo "bench/scale.sh needs root (cgroups, network namespaces)" >&2; exit 2; }

work=$(mktemp -d -t vse-scale-bench-XXXXXX)
export VSE_HOME=$work/home
raw_root=$work/runc
cleanup() {
  set +e
  [ -n "${vse:-}" ] && for dep in $("$vse" ps 2>/dev/null | awk 'NR > 1 {print $1}' | sort -u); do "$vse" cleanup "$dep" >/dev/null 2>&1; done
  runc --root "$raw_root" list -q 2>/dev/null | xargs -r -n 1 runc --root "$raw_root" delete -f >/dev/null 2>&1
  pkill -f 'sleep 86399' 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc; }
available_kib() { awk '/^MemAvailable:/ {print $2}' /proc/meminfo; }
per_instance_mib() { echo "scale=2; ($1 - $2) / 1024 / $3" | bc; }
ratio() { echo "scale=2; $1 / $2" | bc; }

dotnet publish src/Vse.Cli -c Release -r linux-x64 -v quiet -nologo --artifacts-path "$work/artifacts" -o "$work/aot" >/dev/null
vse=$work/aot/vse
for mode in none private; do
  cat > "$work/node-$mode.vse.yaml" <<YAML
vse: 1
name: bench/node-$mode
os: {base: busybox}
network: {mode: $mode}
YAML
  "$vse" build "$work/node-$mode.vse.yaml" >/dev/null 2>&1
done
rootfs=$(find "$VSE_HOME/store/layers" -maxdepth 3 -path '*/rootfs/.vse' -printf '%h\n' | head -n 1)

# The raw runtime's bundles: vse's own config.json for the same description (overlay as the
# first mount, the same init), each with its own upper, work and cgroup.
dep=$("$vse" deploy "$work/node-none.vse.yaml" 2>/dev/null)
template=$VSE_HOME/run/$dep/0/config.json
cp "$template" "$work/template.json"
"$vse" cleanup "$dep" >/dev/null
make_bundles() {
  python3 - "$work/template.json" "$work/raw" "$1" <<'PY'
import json, os, sys
template, base, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(count):
    bundle = os.path.join(base, str(i))
    for d in ("rootfs", "upper", "work"):
        os.makedirs(os.path.join(bundle, d), exist_ok=True)
    spec = json.load(open(template))
    spec["root"]["path"] = os.path.join(bundle, "rootfs")
    spec["mounts"][0]["options"] = [
        o if not o.startswith(("upperdir=", "workdir=")) else o.split("=")[0] + "=" + os.path.join(bundle, o.split("=")[0][:-3])
        for o in spec["mounts"][0]["options"]]
    spec["hostname"] = f"raw-{i}"
    spec["linux"]["cgroupsPath"] = f"/vse-bench/raw-{i}"
    json.dump(spec, open(os.path.join(bundle, "config.json"), "w"))
PY
}

echo "# Scale emulation ($(date -u +%Y-%m-%d), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), runc $(runc --version | head -n1 | awk '{print $3}'), bwrap $(bwrap --version | awk '{print $2}'))"
echo
echo "Busybox instances, each with its own namespaces (pid, mount, uts, ipc, net) and, but for"
echo "bwrap, its own overlay root and cgroup. Seconds until all N run (vse: the whole command,"
echo "process start included) / until all N are gone; memory is the drop in MemAvailable per"
echo "instance, 1 s after start (noisy for small N)."
echo
echo "| N | vse, runc (no network) | vse, vse-launch (no network) | vse, vse-launch (private network) | runc run -d, 4 at a time | bwrap (floor) | vse-launch / runc run | MiB per instance: vse-launch, runc, bwrap | gone: vse runc, vse-launch (none), vse-launch (private), runc, bwrap |"
echo "|---|---|---|---|---|---|---|---|---|"
vse_deploy() { # KEY FILE [--runtime R]
  local key=$1; shift
  local before after t0 t1 t2 dep
  before=$(available_kib); t0=$(now)
  dep=$("$vse" deploy "$@" --instances "$n" 2>/dev/null)
  t1=$(now); sleep 1; after=$(available_kib)
  "$vse" cleanup "$dep" >/dev/null
  t2=$(now)
  up[$key]=$(elapsed "$t0" "$t1"); gone[$key]=$(elapsed "$t1" "$t2"); mem[$key]=$(per_instance_mib "$before" "$after" "$n")
}
for n in "${sizes[@]}"; do
  declare -A up gone mem
  vse_deploy runc "$work/node-none.vse.yaml"
  vse_deploy launch "$work/node-none.vse.yaml" --runtime vse-launch
  vse_deploy launchnet "$work/node-private.vse.yaml" --runtime vse-launch

  make_bundles "$n"
  before=$(available_kib); t0=$(now)
  seq 0 $((n - 1)) | xargs -P 4 -n 1 sh -c 'exec runc --root "$0" run -d --bundle "$1/$2" "raw-$2" </dev/null >/dev/null 2>&1' "$raw_root" "$work/raw"
  t1=$(now); sleep 1; after=$(available_kib)
  seq 0 $((n - 1)) | xargs -P 4 -n 1 sh -c 'exec runc --root "$0" delete -f "raw-$1"' "$raw_root"
  rm -rf "$work/raw"
  t2=$(now)
  up[rawrunc]=$(elapsed "$t0" "$t1"); gone[rawrunc]=$(elapsed "$t1" "$t2"); mem[rawrunc]=$(per_instance_mib "$before" "$after" "$n")

  before=$(available_kib); t0=$(now)
  for i in $(seq 0 $((n - 1))); do
    bwrap --unshare-all --ro-bind "$rootfs" / --proc /proc --dev /dev --tmpfs /tmp --hostname "floor-$i" \
      /bin/sleep 86399 </dev/null >/dev/null 2>&1 &
  done
  until [ "$(pgrep -c -f '^/bin/sleep 86399$' || true)" -ge "$n" ]; do sleep 0.01; done
  t1=$(now); sleep 1; after=$(available_kib)
  pkill -f '^/bin/sleep 86399$' || true
  wait
  t2=$(now)
  up[bwrap]=$(elapsed "$t0" "$t1"); gone[bwrap]=$(elapsed "$t1" "$t2"); mem[bwrap]=$(per_instance_mib "$before" "$after" "$n")

  printf '| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %s | %s, %s, %s | %.2f, %.2f, %.2f, %.2f, %.2f |\n' "$n" \
    "${up[runc]}" "${up[launch]}" "${up[launchnet]}" "${up[rawrunc]}" "${up[bwrap]}" "$(ratio "${up[launch]}" "${up[rawrunc]}")" \
    "${mem[launch]}" "${mem[rawrunc]}" "${mem[bwrap]}" "${gone[runc]}" "${gone[launch]}" "${gone[launchnet]}" "${gone[rawrunc]}" "${gone[bwrap]}"
  unset up gone mem
done
