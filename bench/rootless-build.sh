#!/usr/bin/env bash
# Root vs rootless builds (issue 14, item 1), side by side in one run:
#   1. cold debian:bookworm minbase: vse build as root vs as an ordinary user (build namespace)
#   2. no-op rebuild of the same cached configuration, root vs rootless (hyperfine, interleaved)
#   3. a run step over the debian layer (cold, one layer), root vs rootless
# Needs root (it creates the ordinary user vse-bench-rootless, with a subordinate id range),
# hyperfine and mmdebstrap (scripts/install-deps.sh).
# Usage: bench/rootless-build.sh [COLD_RUNS]   (default 2)   Writes a markdown report to stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
cold_runs=${1:-2}
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
hyperfine --style basic --warmup 2 --runs 15 --shell bash --export-markdown "$work/noop.md" \
  -n "no-op rebuild as root" "as_root build step.vse.yaml" \
  -n "no-op rebuild rootless" "as_user build step.vse.yaml" >/dev/null
cat "$work/noop.md"
