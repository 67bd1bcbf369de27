#!/usr/bin/env bash
# Bit-identical rebuilds (issue 16 item 2): builds every description twice, once in each of two
# fresh VSE_HOMEs (as two machines would), exports every file format from each, and reports the
# share of descriptions whose exports are all byte-identical (goal 100 %; nixpkgs: 69-91 %).
# A home starts empty and is used by one run only, so each of its layers is built from nothing
# once (what --no-cache would do), and a layer that several descriptions share (the Debian base)
# is built once per run, not once per description. Needs root (build steps mount overlays).
# Debian-based descriptions take minutes each on 2 cores: they are built only with --with-debian.
# Usage: bench/repro.sh [--with-debian]   Writes a markdown report to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
with_debian=${1:-}

work=$(mktemp -d -t vse-repro-XXXXXX)
trap 'rm -rf "$work"' EXIT
dotnet build src/Vse.Cli -c Release -v quiet -nologo >/dev/null
vse="$repo/src/Vse.Cli/bin/Release/net10.0/vse"
export VSE_SITE_DIR=$repo/examples/site VSE_SITE_STORE=

descriptions=(descriptions/base/busybox.vse.yaml examples/site/site/tiny.vse.yaml examples/apps/hello/hello.vse.yaml examples/apps/testbed/testbed.vse.yaml)
if [ "$with_debian" = "--with-debian" ]; then
  descriptions+=(descriptions/base/debian.vse.yaml examples/testing/netcheck.vse.yaml
    examples/site/vendor/debian.vse.yaml examples/site/site/hpc.vse.yaml
    examples/apps/mpi-ring/mpi-ring.vse.yaml examples/apps/scratch/scratch.vse.yaml examples/apps/lammps/lammps.vse.yaml)
fi
formats=(tar oci squashfs ext4 qcow2)

# One digest for a file, or for every file of a directory (the OCI layout) by relative name.
digest() {
  if [ -d "$1" ]; then (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  else sha256sum "$1" | cut -d' ' -f1; fi
}

echo "# Bit-identical rebuilds ($(date -u +%Y-%m-%d), $(nproc) cores)"
echo
echo "Command: \`bench/repro.sh${with_debian:+ $with_debian}\`: each description built twice, once in each of two fresh"
echo "VSE_HOMEs (every layer built from nothing once per home), exported as ${formats[*]}; an export counts when both"
echo "builds give the same bytes. Load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
echo "| description | layers equal | $(IFS='|'; echo "${formats[*]}" | sed 's/|/ | /g') | bit-identical |"
echo "|---|---|$(printf -- '---|%.0s' "${formats[@]}")---|"
identical=0; total=0; exports_same=0; exports_total=0
for description in "${descriptions[@]}"; do
  name=$(echo "${description%.vse.yaml}" | tr / _)
  for run in a b; do
    outputs=()
    for format in "${formats[@]}"; do outputs+=(-o "$format:$work/$name.$run.$format"); done
    VSE_HOME=$work/home-$run "$vse" build "$description" "${outputs[@]}" >"$work/$name.$run.log" 2>&1 \
      || { echo "build of $description failed:" >&2; tail -5 "$work/$name.$run.log" >&2; exit 1; }
    VSE_HOME=$work/home-$run "$vse" images >/dev/null
  done
  row="| \`$description\` |"
  # What differs, by file, for a description that did not reproduce: the tar listings' and contents' difference.
  if ! cmp -s "$work/$name.a.tar" "$work/$name.b.tar"; then
    for run in a b; do mkdir -p "$work/$name.$run.tree" && tar -xf "$work/$name.$run.tar" -C "$work/$name.$run.tree"; done
    echo "$description differs in: $(diff -rq --no-dereference "$work/$name.a.tree" "$work/$name.b.tree" 2>&1 | sed "s|$work/$name.a.tree||; s|and $work/$name.b.tree.* differ||" | tr '\n' ' ' | cut -c1-600)" >&2
    rm -rf "$work/$name.a.tree" "$work/$name.b.tree"
  fi
  # The lock files list every layer's key; the trees are compared through the exports.
  if cmp -s <(tar -xOf "$work/$name.a.tar" ./.vse/lock.json) <(tar -xOf "$work/$name.b.tar" ./.vse/lock.json); then row+=" yes |"; else row+=" **no** |"; fi
  all=yes
  for format in "${formats[@]}"; do
    exports_total=$((exports_total + 1))
    if [ "$(digest "$work/$name.a.$format")" = "$(digest "$work/$name.b.$format")" ]; then
      row+=" same |"; exports_same=$((exports_same + 1))
    else
      row+=" **differs** |"; all=no
    fi
  done
  total=$((total + 1)); [ "$all" = yes ] && identical=$((identical + 1))
  echo "$row $all |"
done
echo
echo "Bit-identical: **$identical of $total descriptions ($((100 * identical / total)) %)**, $exports_same of $exports_total exports. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
