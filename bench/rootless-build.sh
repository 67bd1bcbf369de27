#!/usr/bin/env bash
# Root vs rootless (issue 14, items 1 and 8), side by side in one run:
#   1. cold debian:bookworm minbase: vse build as root vs as an ordinary user (build namespace)
#   2. a run step over the debian layer (cold, one layer), root vs rootless
#   3. no-op rebuild of the same cached configuration, root vs rootless (hyperfine, interleaved)
#   4. a one-shot `vse run` of a busybox description, root vs rootless (hyperfine, interleaved)
#   5. INSTANCES busybox instances with --runtime vse-launch: deploy and cleanup, root vs rootless
# Needs root (it creates the ordinary user vse-bench-rootless, with a subordinate id range),
# hyperfine and mmdebstrap (scripts/install-deps.sh).
# Usage: bench/rootless-build.sh [COLD_RUNS [INSTANCES]]   (default 2 and 1024)   Writes a markdown report to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
cold_runs=${1:-2}
instances=${2:-1024}
user=vse-bench-rootless

id "$user" >/dev/null 2>&1 || useradd --no-create-home --shell /usr/sbin/nologin "$user"
uid=$(id -u "$user"); gid=$(id -g "$user")
grep -q "^$user:" /etc/subuid || { echo "rootless-build: $user has no subordinate ids" >&2; exit 1; }

work=$(mktemp -d -t vse-bench-rootless-XXXXXX)
chmod 0755 "$work"
# Layers of the user's store hold files of its subordinate ids: root removes them.
trap 'rm -rf "$work"' EXIT
dotnet build src/Vse.Cli -c Release -v quiet -nologo >/dev/null
# A copy the user can reach (the repository may sit below a directory only root enters).
cp -a src/Vse.Cli/bin/Release/net10.0 "$work/vse"
chmod -R a+rX "$work/vse"
mkdir -p "$work/root" "$work/user"
chown "$uid:$gid" "$work/user"

for dir in root user; do
  cat > "$work/$dir/debian.vse.yaml" <<'YAML'
vse: 1
name: bench/debian
os: {base: "debian:bookworm", variant: minbase}
YAML
  cat > "$work/$dir/step.vse.yaml" <<'YAML'
vse: 1
name: bench/debian-step
extends: ./debian.vse.yaml
build: [{run: "echo step > /step"}]
YAML
  cat > "$work/$dir/busybox.vse.yaml" <<'YAML'
vse: 1
name: bench/busybox
os: {base: busybox}
YAML
done
chown -R "$uid:$gid" "$work/user"

as_root() { (cd "$work/root" && VSE_HOME=$work/root/home "$work/vse/vse" "$@"); }
as_user() { (cd "$work/user" && setpriv --reuid="$uid" --regid="$gid" --clear-groups -- env -u VSE_PATH -u VSE_SITE_DIR HOME="$work/user" VSE_HOME="$work/user/home" "$work/vse/vse" "$@"); }
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc -l | xargs printf '%.1f'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "# Root vs rootless builds ($(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
echo
echo "## 1. Cold debian:bookworm minbase (empty store), runs alternate root/rootless"
echo
root_runs=(); user_runs=()
for _ in $(seq "$cold_runs"); do
  rm -rf "$work/root/home" "$work/user/home"
  root_runs+=("$(seconds as_root build debian.vse.yaml)")
  user_runs+=("$(seconds as_user build debian.vse.yaml)")
done
r=$(printf '%s\n' "${root_runs[@]}" | median); u=$(printf '%s\n' "${user_runs[@]}" | median)
echo "| command | runs (s) | median (s) |"
echo "|---|---|---|"
echo "| \`vse build debian.vse.yaml\` as root | ${root_runs[*]} | $r |"
echo "| the same as an ordinary user (build namespace) | ${user_runs[*]} | $u |"
echo
echo "ratio rootless / root: $(echo "$u / $r" | bc -l | xargs printf '%.2f')"
echo

echo "## 2. One run step over the debian layer (cold step, base cached)"
echo
echo "| command | time (s) |"
echo "|---|---|"
echo "| root | $(seconds as_root build step.vse.yaml) |"
echo "| rootless | $(seconds as_user build step.vse.yaml) |"
echo

echo "## 3. No-op rebuild (everything cached)"
echo
export -f as_root as_user
export work uid gid
# Root and rootless interleaved by hyperfine, 15 runs each: side_by_side NAME ARGS...
side_by_side() {
  local name=$1; shift
  hyperfine --style basic --warmup 2 --runs 15 --shell bash --export-markdown "$work/$name.md" \
    -n "$name as root" "as_root $*" -n "$name rootless" "as_user $*" >/dev/null
  cat "$work/$name.md"
}
side_by_side "no-op rebuild" build step.vse.yaml
echo

echo "## 4. One-shot \`vse run busybox.vse.yaml -- true\` (built, cached)"
echo
as_root build busybox.vse.yaml >/dev/null 2>&1
as_user build busybox.vse.yaml >/dev/null 2>&1
side_by_side "vse run" run busybox.vse.yaml -- true
echo

echo "## 5. $instances instances, \`vse deploy busybox.vse.yaml --runtime vse-launch --instances $instances\`, then \`vse cleanup\`"
echo
echo "| who | deploy (s) | cleanup (s) |"
echo "|---|---|---|"
for who in root user; do
  start=$(date +%s.%N)
  id=$("as_$who" deploy busybox.vse.yaml --runtime vse-launch --instances "$instances")
  mid=$(date +%s.%N)
  "as_$who" cleanup "$id" >/dev/null 2>&1
  end=$(date +%s.%N)
  echo "| $([ "$who" = root ] && echo root || echo rootless) | $(echo "$mid - $start" | bc -l | xargs printf '%.1f') | $(echo "$end - $mid" | bc -l | xargs printf '%.1f') |"
done
