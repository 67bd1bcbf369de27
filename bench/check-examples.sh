#!/usr/bin/env bash
# `vse build --check` over every description shipped (issue 16, Done when: "`vse build --check`
# passes for every example"): each description in examples/ and descriptions/ is built, then
# rebuilt without cache into a scratch store and compared layer by layer (docs/build.md,
# Reproducible builds); a step that does not reproduce is named with its paths.
# One fresh VSE_HOME for the whole run, so a layer several descriptions share (the Debian base)
# is built once for the cached builds; every check still rebuilds all of its own layers.
# Needs root (build steps mount overlays; online steps start an instance). The Debian
# descriptions take minutes each on 2 cores (mmdebstrap and apt twice): only with --with-debian.
# The busybox ones run in CI too (ExampleBuildCheckTests).
# Usage: bench/check-examples.sh [--with-debian] [DESCRIPTION...]   Writes a markdown report to stdout;
# exit 1 when one differs. With descriptions named, only those (in that order), Debian or not.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
with_debian=
[ "${1:-}" = "--with-debian" ] && { with_debian=$1; shift; }

work=$(mktemp -d -t vse-check-examples-XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet build src/Vse.Cli -c Release -v quiet -nologo >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
vse="$repo/src/Vse.Cli/bin/Release/net10.0/vse"
export VSE_SITE_DIR=$repo/examples/site VSE_SITE_STORE= VSE_HOME=$work/home USER=${USER:-root}

# Every description shipped, but the site policy (rules only: nothing to build).
mapfile -t all < <(find descriptions examples -name '*.vse.yaml' ! -path 'examples/site-policy/*' | sort)
descriptions=("$@")
[ $# -gt 0 ] || for description in "${all[@]}"; do
  # A description is Debian-based when it, or what it extends, names a debian: base: asked of vse itself.
  if "$vse" resolve "$description" 2>/dev/null | grep -q '^  base: debian:'; then
    [ "$with_debian" = "--with-debian" ] && descriptions+=("$description")
  else
    descriptions+=("$description")
  fi
done

echo "# vse build --check over every description ($(date -u "+%Y-%m-%d %H:%M") UTC, $(nproc) cores)"
echo
echo "Command: \`bench/check-examples.sh${with_debian:+ $with_debian}\` ($(git rev-parse --short HEAD)); ${#descriptions[@]} of ${#all[@]} descriptions"
echo "(without --with-debian the Debian ones are left out). Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| description | layers | result | seconds | load avg (1 min) at the end |"
echo "|---|---:|---|---:|---:|"
passed=0
for description in "${descriptions[@]}"; do
  name=$(echo "${description%.vse.yaml}" | tr / _)
  started=$(date +%s)
  if "$vse" build "$description" --check >"$work/$name.out" 2>"$work/$name.err"; then
    result="identical"; passed=$((passed + 1))
  else
    code=$?
    # Each step that did not reproduce is one "is not reproducible" line naming its paths.
    result="**exit $code**: $(grep -o "step [0-9]*/[0-9]* '[^']*' is not reproducible.*" "$work/$name.err" | sed 's/: its rebuild differs from cached layer [0-9a-f]*//' | tr '\n' ' ' | cut -c1-400 || true)"
    [ "$code" = 1 ] || result="**exit $code**: $(tail -1 "$work/$name.err" | cut -c1-300 || true)"
  fi
  layers=$(grep -o 'rebuilding [0-9]* layers' "$work/$name.out" | grep -o '[0-9]*' || echo "?")
  echo "| \`$description\` | $layers | $result | $(($(date +%s) - started)) | $(cut -d' ' -f1 /proc/loadavg) |"
done
echo
echo "Passed: **$passed of ${#descriptions[@]}** ($((100 * passed / ${#descriptions[@]})) %). Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
[ "$passed" = "${#descriptions[@]}" ]
