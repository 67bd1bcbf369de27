#!/usr/bin/env bash
# vse push / docker:// pull against `skopeo copy` of the same image's oci export, with the store's
# layer-blob cache cold (what every push cost before it) and warm, and a second push after a
# one-step change (docs/registry.md). Debian's docker-registry on 127.0.0.1; as root. Arms are
# interleaved, their order rotating from round to round (bench/common.sh), so drift on a shared
# machine falls on all alike; every row gives the median and each round, and the load.
# Usage: VSE=PATH/vse bench/registry.sh [BASE] [ROUNDS]
#   BASE: busybox (default) or debian:bookworm; ROUNDS: 3 by default.
#   VSE: a native-AOT vse (dotnet publish src/Vse.Cli -c Release -r linux-x64 -o DIR); unset: published here.
#   REGISTRY_BENCH_HOME: a data directory kept between runs, so a Debian base is built once.
set -euo pipefail
base=${1:-busybox}
rounds=${2:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
source "$repo/bench/common.sh"
work=$(mktemp -d /tmp/vse-bench-registry.XXXXXX)
trap 'kill "$registry_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
vse=${VSE:-$(cd "$repo" && publish_vse "$work")}
export VSE_HOME=${REGISTRY_BENCH_HOME:-$work/home} VSE_SITE_STORE=""
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/config.yml" <<YAML
version: 0.1
storage:
  filesystem:
    rootdirectory: $work/storage
http:
  addr: 127.0.0.1:$port
YAML
docker-registry serve "$work/config.yml" > "$work/registry.log" 2>&1 &
registry_pid=$!
until curl -sf "http://127.0.0.1:$port/v2/" >/dev/null; do sleep 0.1; done

cat > "$work/app.vse.yaml" <<YAML
vse: 1
name: bench
os:
  base: $base
build:
  - id: data
    run: head -c 33554432 /dev/urandom > /data
  - id: last
    run: echo one > /last
YAML
say "building the image on $base"
"$vse" build "$work/app.vse.yaml" -o "oci:$work/export.oci" >/dev/null
uploaded() { grep -c '"PUT /v2/.*/blobs/uploads/.* 201 ' "$work/registry.log" || true; }
seconds() { local s=$(date +%s.%N); "$@" >/dev/null 2>"$work/last.err" || { cat "$work/last.err" >&2; return 1; }; echo "$(date +%s.%N) - $s" | bc; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -A times
arm() { # arm NAME ROUND
  local r=$2
  case $1 in
    push-cold) rm -rf "$VSE_HOME/store/layer-blobs"; times[$1]+=" $(seconds "$vse" push bench "docker://127.0.0.1:$port/cold/r$r:v1")" ;;
    push-warm) times[$1]+=" $(seconds "$vse" push bench "docker://127.0.0.1:$port/warm/r$r:v1")" ;;
    skopeo-push) times[$1]+=" $(seconds skopeo copy --dest-tls-verify=false "oci:$work/export.oci:latest" "docker://127.0.0.1:$port/skopeo/r$r:v1")" ;;
    vse-pull)
      printf 'vse: 1\nname: pulled\nos:\n  base: docker://127.0.0.1:%s/warm/r%s:v1\n' "$port" "$r" > "$work/pull.vse.yaml"
      times[$1]+=" $(VSE_HOME="$work/pull-$r" seconds "$vse" build "$work/pull.vse.yaml")"; rm -rf "$work/pull-$r" ;;
    skopeo-pull) times[$1]+=" $(seconds skopeo copy --src-tls-verify=false "docker://127.0.0.1:$port/skopeo/r$r:v1" "oci:$work/pulled-$r.oci:latest")"; rm -rf "$work/pulled-$r.oci" ;;
  esac
}
loads=()
"$vse" push bench "docker://127.0.0.1:$port/warmup/x:v1" >/dev/null 2>&1  # fills the cache for the first push-warm
for ((round = 0; round < rounds; round++)); do
  # The pulls read what this round pushed: pushes first, in rotating order, then the pulls.
  for a in $(rotated_arms "$round" push-cold push-warm skopeo-push); do arm "$a" "$round"; done
  for a in $(rotated_arms "$round" vse-pull skopeo-pull); do arm "$a" "$round"; done
  loads+=("$(cut -d' ' -f1 /proc/loadavg)")
done

echo "base: $base; image: $(du -sh --apparent-size "$work/export.oci" | cut -f1) as an oci export; vse: $vse; $rounds rounds; load average (1 min) after each round: ${loads[*]}"
echo
echo "| what | median s | rounds (s) |"
echo "|---|---|---|"
for a in push-cold push-warm skopeo-push vse-pull skopeo-pull; do
  # shellcheck disable=SC2086
  echo "| $a | $(median ${times[$a]}) | ${times[$a]# } |"
done

sed -i 's/echo one > \/last/echo two > \/last/' "$work/app.vse.yaml"
id=$("$vse" build "$work/app.vse.yaml" | tail -1 | sed 's/.*configuration \([0-9a-f]*\).*/\1/')
before=$(uploaded)
t=$(seconds "$vse" push "$id" "docker://127.0.0.1:$port/warm/r0:v2")
echo
echo "one-step change, pushed over warm/r0:v1: ${t} s, $(( $(uploaded) - before )) blobs uploaded (registry log); vse: $(tail -1 "$work/last.err"); $(machine_load)"
