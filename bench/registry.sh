#!/usr/bin/env bash
# vse push / docker:// pull against `skopeo copy` of the same image's oci export, and a second
# push after a one-step change (docs/registry.md). A docker-registry on 127.0.0.1, a fresh
# VSE_HOME; as root. Usage: bench/registry.sh [BASE]   (BASE: busybox (default) or debian:bookworm)
set -euo pipefail
base=${1:-busybox}
repo=$(cd "$(dirname "$0")/.." && pwd)
vse="$repo/src/Vse.Cli/bin/Release/net10.0/vse"
work=$(mktemp -d /tmp/vse-bench-registry.XXXXXX)
trap 'kill "$registry_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
export VSE_HOME="$work/home" VSE_SITE_STORE=""
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
"$vse" build "$work/app.vse.yaml" -o "oci:$work/export.oci" >/dev/null
uploaded() { grep -c '"PUT /v2/.*/blobs/uploads/.* 201 ' "$work/registry.log" || true; }
seconds() { local s=$(date +%s.%N); "$@" >/dev/null 2>"$work/last.err"; echo "$(date +%s.%N) - $s" | bc; }

echo "base: $base; image: $(du -sh --apparent-size "$work/export.oci" | cut -f1) as an oci export"
t=$(seconds "$vse" push bench "docker://127.0.0.1:$port/bench/vse:v1")
echo "vse push (first):               ${t} s  $(tail -1 "$work/last.err")"
t=$(seconds skopeo copy --dest-tls-verify=false "oci:$work/export.oci:latest" "docker://127.0.0.1:$port/bench/skopeo:v1")
echo "skopeo copy oci export (first): ${t} s"
mkdir -p "$work/pull"
cat > "$work/pull.vse.yaml" <<YAML
vse: 1
name: pulled
os:
  base: docker://127.0.0.1:$port/bench/vse:v1
YAML
t=$(VSE_HOME="$work/pull/home" seconds "$vse" build "$work/pull.vse.yaml")
echo "vse build from docker:// (pull): ${t} s"
t=$(seconds skopeo copy --src-tls-verify=false "docker://127.0.0.1:$port/bench/skopeo:v1" "oci:$work/pulled.oci:latest")
echo "skopeo copy to an oci layout:    ${t} s"

sed -i 's/echo one > \/last/echo two > \/last/' "$work/app.vse.yaml"
id=$("$vse" build "$work/app.vse.yaml" | tail -1 | sed 's/.*configuration \([0-9a-f]*\).*/\1/')
before=$(uploaded)
t=$(seconds "$vse" push "$id" "docker://127.0.0.1:$port/bench/vse:v2")
echo "vse push after a one-step change: ${t} s, $(( $(uploaded) - before )) blobs uploaded; $(tail -1 "$work/last.err")"
