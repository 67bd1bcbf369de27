# Sourced by bench scripts (bench/lammps.sh, bench/hpc-kernels.sh, bench/oneshot*.sh): what they share.

# say TEXT... -> a progress line on stderr, with the seconds since the script started
say() { echo "== [${SECONDS}s] $*" >&2; }

# publish_vse DIR -> publishes the CLI into DIR/vse and prints the executable's path
publish_vse() {
  say "publishing vse (dotnet publish src/Vse.Cli -c Release -r linux-x64)"
  dotnet publish src/Vse.Cli -c Release -r linux-x64 -v quiet -nologo --artifacts-path "$1/artifacts" -o "$1/vse" >/dev/null
  echo "$1/vse/vse"
}

# rotated_arms ROUND ARM... -> the arms in round ROUND's order, one per line. Every round runs
# every arm, in an order that rotates from round to round, so drift on a shared machine falls
# on all arms alike.
rotated_arms() {
  local round=$1
  shift
  local -a arms=("$@")
  local n=${#arms[@]} i
  for ((i = 0; i < n; i++)); do echo "${arms[$(((i + round) % n))]}"; done
}

# machine_load -> "load average L1 L5 L15, CPU pressure (some, avg10) P %": how busy the machine was
machine_load() {
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg), CPU pressure (some, avg10) $(awk '/^some/ {sub("avg10=", "", $2); print $2}' /proc/pressure/cpu 2>/dev/null || echo n/a) %"
}

# oneshot_description FILE -> writes the description the one-shot benchmarks run (bench/oneshot*.sh):
# busybox, nothing else, so a run is vse's own work and the runtime's
oneshot_description() {
  cat >"$1" <<'YAML'
vse: 1
name: bench/oneshot
os: {base: busybox}
run: /bin/true
YAML
}

# oneshot_home HOME VSE FILE [PATH...] -> a data directory of one vse build's own: FILE built there, then
# run once on each start path named (default: vse's own choice; vse-launch), so the timed runs that
# follow find everything made and cached (bench/oneshot*.sh)
oneshot_home() {
  local home=$1 vse=$2 file=$3 path
  shift 3
  mkdir -p "$home"
  VSE_HOME=$home "$vse" build "$file" >/dev/null 2>&1
  for path in "$@"; do
    if [[ $path == default ]]; then
      VSE_HOME=$home "$vse" run "$file" -- true >/dev/null
    else
      VSE_HOME=$home "$vse" run --runtime "$path" "$file" -- true >/dev/null
    fi
  done
}
