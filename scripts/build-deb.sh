#!/usr/bin/env bash
# Makes the Debian package of vse, OUTDIR/vse_VERSION_amd64.deb (docs/install.md):
#   /usr/lib/vse/           the native-AOT vse, the SQLite library it loads (libe_sqlite3.so),
#                           its C helpers vse-launch and vse-agent, and the
#                           shipped descriptions (descriptions/: base/busybox, base/debian), as
#                           scripts/install.sh lays them out (it does the publish)
#   /usr/bin/vse            -> ../lib/vse/vse
#   /etc/vse/               the site directory (VSE_SITE_DIR's default): README and a commented
#                           site-wide policy, both conffiles
#   /usr/share/doc/vse/     README.md, docs/*.md, the example site directory, copyright
# VERSION is the project's (Directory.Build.props, VersionPrefix); Depends lists what vse drives
# at run time, plus the C library the native vse links (dpkg-shlibdeps) and libssl3, which .NET's
# cryptography (content digests) dlopens, so dpkg-shlibdeps cannot see it: without it every build
# or deploy aborts with "No usable version of libssl was found" (seen in the cgroup v2 twin's minbase guest).
#
#   scripts/build-deb.sh [OUTDIR]        OUTDIR defaults to the current directory
#
# Needs what scripts/install.sh needs (the .NET 10 SDK, clang or gcc, make, a static libc) and
# dpkg-dev. Runs as any user: dpkg-deb --root-owner-group makes every file root's in the package.
set -euo pipefail
if [ $# -gt 1 ]; then
  echo "usage: $0 [OUTDIR]" >&2
  exit 2
fi
out=$(realpath "${1:-.}")
here=$(cd "$(dirname "$0")/.." && pwd)
version=$(dotnet msbuild "$here/src/Vse.Cli" -nologo -getProperty:Version)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "build-deb.sh: unexpected version '$version'" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/vse_${version}_amd64"
mkdir -p "$root/DEBIAN"

"$here/scripts/install.sh" "$root/usr" >/dev/null

install -d -m 0755 "$root/etc/vse"
install -m 0644 "$here/packaging/etc/README" "$here/packaging/etc/policy.vse.yaml.example" "$root/etc/vse/"

doc="$root/usr/share/doc/vse"
install -d -m 0755 "$doc/examples"
install -m 0644 "$here/README.md" "$here/packaging/copyright" "$here"/docs/*.md "$doc/"
cp -r "$here/examples/site" "$doc/examples/site"

# Everything readable by all, written by root only (the descriptions under /usr/lib/vse are
# trusted as shipped; nothing in the package is setuid).
find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f ! -perm -u+x -exec chmod 0644 {} +

# The libraries the native vse and libe_sqlite3.so link, as dpkg-shlibdeps names their packages (the helpers are static).
mkdir -p "$work/debian"
printf 'Source: vse\n\nPackage: vse\nArchitecture: amd64\n' >"$work/debian/control"
shlibs=$(cd "$work" && dpkg-shlibdeps -O "$root/usr/lib/vse/vse" "$root"/usr/lib/vse/*.so 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "build-deb.sh: dpkg-shlibdeps named no libraries for vse" >&2; exit 1; }
rm -rf "$work/debian"

# Installed-Size: KiB of the files the package installs (Debian policy 5.6.20).
size=$(du -sk --apparent-size --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$size/" -e "s/@SHLIBS@/$shlibs/" \
  "$here/packaging/control.in" >"$root/DEBIAN/control"
printf '/etc/vse/README\n/etc/vse/policy.vse.yaml.example\n' >"$root/DEBIAN/conffiles"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/conffiles"

mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/vse_${version}_amd64.deb" >/dev/null
echo "$out/vse_${version}_amd64.deb"
