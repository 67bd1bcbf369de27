#!/usr/bin/env bash
# Writes the seed corpus into DIR: one well-formed stream per request type of PROTOCOL.md, so the
# fuzzer starts from inputs that pass the checks and mutates from there.
set -euo pipefail
dir=${1:?usage: seeds.sh DIR}
mkdir -p "$dir"

# frame TYPE CHANNEL PAYLOAD-FILE: the 9-byte header (length and channel little endian), then the payload.
frame() {
  local len; len=$(stat -c %s "$3")
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((len & 255)) $((len >> 8 & 255)) $((len >> 16 & 255)) 0)"
  printf '%s' "$1"
  printf "$(printf '\\x%02x\\x00\\x00\\x00' "$2")"
  cat "$3"
}
payload=$(mktemp)
trap 'rm -f "$payload"' EXIT

printf '\x01\x00\x00\x00\x07\x00\x00\x00' >"$payload"; frame H 0 "$payload" >"$dir/hello"
printf 'hostname\0app-0\0env\0A=1\0address\0eth0\0010.0.0.2/24\0mount9p\0host0\0/data\0ro\0service\0sshd\0' >"$payload"
frame C 0 "$payload" >"$dir/configure"
printf '/\0001\0HOME=/root\0sh\0-c\0echo hi\0' >"$payload"; frame X 1 "$payload" >"$dir/exec"
printf '/etc/motd\0644\0' >"$payload"; frame W 2 "$payload" >"$dir/write"
printf 'hello\n' >"$payload"; frame w 2 "$payload" >"$dir/write-data"
printf '/etc/hostname\0' >"$payload"; frame G 3 "$payload" >"$dir/get"
printf '\x0f\x00\x00\x00' >"$payload"; frame K 1 "$payload" >"$dir/kill"
: >"$payload"; frame P 0 "$payload" >"$dir/poweroff"
cat "$dir/hello" "$dir/configure" "$dir/exec" "$dir/kill" >"$dir/session"
# A frame declaring more than 65536 bytes, then the H the agent resynchronises on.
{ printf '\xff\xff\xff\x7fX\x00\x00\x00\x00garbage'; cat "$dir/hello" "$dir/exec"; } >"$dir/garbled-then-hello"
