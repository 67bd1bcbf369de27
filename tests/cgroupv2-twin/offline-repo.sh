#!/bin/sh
# offline-repo.sh DIR PACKAGE...: a local apt repository in DIR (flat: the .debs and their
# Packages index) holding PACKAGE... and everything they depend on, for a site whose nodes have
# no route to a mirror (the cgroup v2 twin's guest, docs/testbed-vm.md). Run on a machine that
# has one. apt resolves the closure against an empty package database, so the repository has
# every dependency, whatever the image that installs from it already holds; its sources are
# what mmdebstrap gives a debian:bookworm base (the suite, -updates and -security), so the
# versions match the site's base built the same day. apt's state is a temporary directory: the
# host's own lists, cache and database are neither read nor changed.
# Needs apt and dpkg-scanpackages (Debian package dpkg-dev).
set -eu
[ $# -ge 2 ] || { echo "usage: $0 DIR PACKAGE..." >&2; exit 2; }
dir=$1
shift
state=$(mktemp -d)
trap 'rm -rf "$state"' EXIT
mkdir -p "$state/lists/partial" "$state/archives/partial" "$state/parts" "$dir"
: > "$state/status"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat > "$state/sources.list" <<EOF
deb [signed-by=$keyring] http://deb.debian.org/debian bookworm main
deb [signed-by=$keyring] http://deb.debian.org/debian bookworm-updates main
deb [signed-by=$keyring] http://deb.debian.org/debian-security bookworm-security main
EOF

private_apt() {
    apt-get -q \
        -o Dir::State::Lists="$state/lists" -o Dir::State::status="$state/status" \
        -o Dir::Cache="$state" -o Dir::Cache::archives="$state/archives" \
        -o Dir::Etc::SourceList="$state/sources.list" -o Dir::Etc::SourceParts="$state/parts" \
        -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$state/parts" \
        -o APT::Architecture=amd64 -o APT::Install-Recommends=false -o Debug::NoLocking=true -o APT::Sandbox::User=root \
        "$@"
}

private_apt update
private_apt install --download-only --yes -- "$@"
mv "$state"/archives/*.deb "$dir/"
# A flat repository: "deb [trusted=yes] file:DIR ./" reads DIR/Packages.
(cd "$dir" && dpkg-scanpackages --multiversion . /dev/null > Packages)
chmod -R a+rX "$dir"
