#!/usr/bin/env bash
# Installs vse the way a site administrator would: the native-AOT vse, its C helpers (the bulk
# launcher vse-launch and the VM guest agent vse-agent) and the shipped descriptions under
# PREFIX/lib/vse, with PREFIX/bin/vse pointing at it, and an empty site directory skeleton.
#
#   scripts/install.sh PREFIX            e.g. scripts/install.sh /usr/local
#
# Needs the .NET 10 SDK, clang or gcc for the AOT link, and gcc, make and a static libc for the
# helpers (Debian: apt install clang gcc make libc6-dev zlib1g-dev). The tools vse drives at run
# time (runc or crun, bubblewrap, mmdebstrap, qemu-system-x86, ...) are listed by `vse doctor`.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 PREFIX" >&2
  exit 2
fi
prefix=$1
here=$(cd "$(dirname "$0")/.." && pwd)
lib="$prefix/lib/vse"

staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
dotnet publish "$here/src/Vse.Cli" -c Release -r linux-x64 -nologo -v quiet -o "$staging"
for file in vse vse-launch vse-agent; do
  [ -x "$staging/$file" ] || { echo "install.sh: the publish gave no $file" >&2; exit 1; }
done

mkdir -p "$lib" "$prefix/bin"
# Only what runs: the AOT binary, the helpers, the native libraries the AOT binary loads at run
# time (libe_sqlite3.so, SQLite for the state database: without it every command that opens the
# data directory fails), the shipped descriptions (no .dbg symbol files).
install -m 0755 "$staging/vse" "$staging/vse-launch" "$staging/vse-agent" "$lib/"
[ -e "$staging/libe_sqlite3.so" ] || { echo "install.sh: the publish gave no libe_sqlite3.so" >&2; exit 1; }
install -m 0644 "$staging"/*.so "$lib/"
rm -rf "$lib/descriptions"
cp -r "$staging/descriptions" "$lib/descriptions"
chmod -R a+rX,go-w "$lib/descriptions"
ln -sfn "../lib/vse/vse" "$prefix/bin/vse"
echo "installed vse $("$prefix/bin/vse" --version 2>/dev/null || true) in $lib; $prefix/bin/vse runs it"
