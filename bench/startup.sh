#!/usr/bin/env bash
# Start-up cost of `vse resolve ... --json` as a whole process, against the floor of a .NET
# hello-world, side by side in ONE hyperfine run (this kind of machine is noisy: only numbers
# from the same run are comparable).
#
# Builds, all into a temporary directory (nothing is written under src/ or committed):
#   hello        `dotnet new console`, Release, framework-dependent (the floor)
#   hello-aot    the same, Native AOT (the floor of a native .NET process), if AOT works here
#   vse-jit      src/Vse.Cli, Release, framework-dependent (what `dotnet build` gives today)
#   vse-r2r      src/Vse.Cli, Release, framework-dependent, ReadyToRun (-p:PublishReadyToRun=true)
#   vse-aot      src/Vse.Cli, Release, Native AOT (-p:PublishAot=true; needs clang or gcc)
# A variant that fails to build is reported and left out.
#
# Inputs timed: examples/apps/hello/hello.vse.yaml (VSE_SITE_DIR=examples/site), or a small
# generated description if the examples are missing; and, unless --no-large, the generated
# 8-level 10,000-key hierarchy of bench/Vse.Bench (real work on top of start-up).
#
# Usage: bench/startup.sh [--runs N] [--warmup N] [--no-large] [--no-aot] [--no-r2r] [--output FILE]
#                         [--keep | --work DIR]
#   --keep      keep the temporary directory (builds, JSON, logs) and print its name
#   --work DIR  use DIR instead of a temporary directory and keep it; builds already in
#               DIR/out are reused, so a second timing run costs no rebuild
# Prints a markdown report (machine, commands, table with ratios to `hello`) and writes it to
# --output (default: $WORK/startup.md). Needs: dotnet, hyperfine (installed with apt-get if
# missing and running as root), jq.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=40
warmup=5
large=1
try_aot=1
try_r2r=1
keep=0
work=""
output=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --no-large) large=0; shift ;;
        --no-aot) try_aot=0; shift ;;
        --no-r2r) try_r2r=0; shift ;;
        --output) output=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        --work) work=$2; keep=1; shift 2 ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) echo "startup.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done

if [[ -n $work ]]; then mkdir -p "$work"; work=$(cd "$work" && pwd); else work=$(mktemp -d "${TMPDIR:-/tmp}/vse-startup.XXXXXX"); fi
cleanup() { if [[ $keep == 0 ]]; then rm -rf "$work"; else echo "kept $work" >&2; fi; }
trap cleanup EXIT
output=${output:-$work/startup.md}
logs=$work/logs
mkdir -p "$logs"
say() { echo "== $*" >&2; }

# --- tools --------------------------------------------------------------------------------
if ! command -v hyperfine >/dev/null; then
    if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
        say "installing hyperfine"
        apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >&2
    else
        echo "startup.sh: hyperfine is missing (apt-get install hyperfine)" >&2; exit 4
    fi
fi
command -v jq >/dev/null || { echo "startup.sh: jq is missing (apt-get install jq)" >&2; exit 4; }
if [[ $try_aot == 1 ]] && ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then
    say "no clang or gcc: Native AOT variants skipped (apt-get install clang)"; try_aot=0
fi
aot_linker=()  # .NET 10 falls back to gcc by itself when clang is missing; be explicit anyway
if [[ $try_aot == 1 ]] && ! command -v clang >/dev/null; then aot_linker=(-p:CppCompilerAndLinker=gcc); fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
rid=$(dotnet --info | awk '$1 == "RID:" { print $2; exit }')
rid=${rid:-linux-x64}

# publish NAME ARGS...: dotnet publish into $work/out/NAME with its own
# artifacts path (so variants never share obj/ with each other or with a developer's build).
publish() {
    local name=$1; shift
    if [[ -n $(ls -A "$work/out/$name" 2>/dev/null) ]]; then say "reusing $name"; return 0; fi
    say "building $name"
    if dotnet publish "$@" -c Release --artifacts-path "$work/artifacts/$name" -o "$work/out/$name" >"$logs/$name.log" 2>&1; then
        return 0
    fi
    say "$name did not build (last lines of $logs/$name.log):"; tail -n 15 "$logs/$name.log" >&2
    return 1
}

declare -a names=() binaries=()
add_variant() { names+=("$1"); binaries+=("$2"); }

# --- the floor: hello world ---------------------------------------------------------------
[[ -f $work/hello/hello.csproj ]] || dotnet new console -o "$work/hello" -n hello >"$logs/hello-new.log" 2>&1
publish hello "$work/hello/hello.csproj"
add_variant hello "$work/out/hello/hello"
if [[ $try_aot == 1 ]] && publish hello-aot "$work/hello/hello.csproj" -r "$rid" -p:PublishAot=true "${aot_linker[@]}"; then
    add_variant hello-aot "$work/out/hello-aot/hello"
fi

# --- vse variants -------------------------------------------------------------------------
cli=$repo/src/Vse.Cli/Vse.Cli.csproj
publish vse-jit "$cli"
add_variant vse-jit "$work/out/vse-jit/vse"
if [[ $try_r2r == 1 ]] && publish vse-r2r "$cli" -r "$rid" --self-contained false -p:PublishReadyToRun=true; then
    add_variant vse-r2r "$work/out/vse-r2r/vse"
fi
if [[ $try_aot == 1 ]] && publish vse-aot "$cli" -r "$rid" -p:PublishAot=true "${aot_linker[@]}"; then
    add_variant vse-aot "$work/out/vse-aot/vse"
fi

# --- inputs -------------------------------------------------------------------------------
if [[ -f $repo/examples/apps/hello/hello.vse.yaml && -d $repo/examples/site ]]; then
    small=$repo/examples/apps/hello/hello.vse.yaml
    export VSE_SITE_DIR=$repo/examples/site
    small_label="examples/apps/hello/hello.vse.yaml"
else
    small=$work/input/hello.vse.yaml
    mkdir -p "$work/input"
    cat >"$small" <<'EOF'
vse: 1
name: apps/hello
extends: base/busybox
description: Prints a greeting
env: {TZ: UTC}
resources: {cpus: 1, memory: 256Mi}
run: echo hello from ${vse.name}
EOF
    export VSE_SITE_DIR=$work/input/no-site
    small_label="generated hello.vse.yaml (extends the shipped base/busybox)"
fi

large_file=""
large_label="skipped"
if [[ $large == 1 ]]; then
    if publish vse-bench "$repo/bench/Vse.Bench/Vse.Bench.csproj" >/dev/null; then
        large_file=$(dotnet "$work/out/vse-bench/Vse.Bench.dll" generate "$work/large")
        export VSE_PATH=$work/large USER=${USER:-bench}
        large_label="the 8-level, 10,000-key hierarchy of \`Vse.Bench generate\` (bench/Vse.Bench/HierarchyGenerator.cs)"
    else
        say "the hierarchy generator did not build: large input skipped"
    fi
fi

# Every vse variant must print the same bytes as vse-jit before it is timed.
check_same() {
    local input=$1 label=$2 reference="" i
    for i in "${!names[@]}"; do
        [[ ${names[$i]} == vse-* ]] || continue
        local result=$work/$label.${names[$i]}.json
        "${binaries[$i]}" resolve "$input" --json >"$result" 2>"$result.err" || {
            echo "startup.sh: ${names[$i]} failed on $input:" >&2; cat "$result.err" >&2; exit 4; }
        if [[ -z $reference ]]; then
            reference=${names[$i]}
        elif ! cmp -s "$work/$label.$reference.json" "$result"; then
            echo "startup.sh: ${names[$i]} prints different JSON than $reference for $input" >&2; exit 4
        fi
    done
}
check_same "$small" small
[[ -n $large_file ]] && check_same "$large_file" large

# --- one hyperfine run --------------------------------------------------------------------
hf_args=()
for i in "${!names[@]}"; do
    if [[ ${names[$i]} == hello* ]]; then
        hf_args+=(-n "${names[$i]}" "${binaries[$i]}")
    fi
done
for i in "${!names[@]}"; do
    [[ ${names[$i]} == vse-* ]] || continue
    hf_args+=(-n "${names[$i]} resolve hello --json" "${binaries[$i]} resolve $small --json")
done
if [[ -n $large_file ]]; then
    for i in "${!names[@]}"; do
        [[ ${names[$i]} == vse-* ]] || continue
        hf_args+=(-n "${names[$i]} resolve 10k-key hierarchy --json" "${binaries[$i]} resolve $large_file --json")
    done
fi

say "timing $(( ${#hf_args[@]} / 3 )) commands, $runs runs each after $warmup warm-up runs"
# -N: no intermediate shell, so nothing needs subtracting; output goes to /dev/null.
hyperfine -N --style basic --warmup "$warmup" --runs "$runs" --export-json "$work/startup.json" "${hf_args[@]}" >"$logs/hyperfine.log" 2>&1 \
    || { cat "$logs/hyperfine.log" >&2; exit 4; }

# --- report -------------------------------------------------------------------------------
size_of() { du -sh --apparent-size "$1" | cut -f1; }
{
    echo "### Start-up: \`vse resolve --json\` vs a .NET hello-world"
    echo
    echo "- machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
    echo "- dotnet $(dotnet --version), hyperfine $(hyperfine --version | cut -d' ' -f2), $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "- small input: $small_label; large input: $large_label"
    echo "- hyperfine -N --warmup $warmup --runs $runs (no shell; stdout and stderr to /dev/null)"
    echo
    echo "| command | mean ± σ (ms) | median (ms) | min (ms) | user (ms) | sys (ms) | median / hello |"
    echo "|---|---:|---:|---:|---:|---:|---:|"
    jq -r '
      (.results[] | select(.command == "hello") | .median) as $floor
      | .results[]
      | "| `\(.command)` | \(.mean*1000*10|round/10) ± \(.stddev*1000*10|round/10) | \(.median*1000*10|round/10) | \(.min*1000*10|round/10) | \(.user*1000*10|round/10) | \(.system*1000*10|round/10) | \(.median/$floor*100|round/100)× |"
    ' "$work/startup.json"
    echo
    echo "Builds (published size of the directory; main executable):"
    echo
    for i in "${!names[@]}"; do
        echo "- ${names[$i]}: $(size_of "$(dirname "${binaries[$i]}")"); $(size_of "${binaries[$i]}")"
    done
    echo
    echo "Build commands (each with \`-c Release --artifacts-path TMP -o TMP/out/NAME\`):"
    echo
    echo "- hello: \`dotnet new console\`, then \`dotnet publish hello.csproj\`"
    echo "- hello-aot: \`dotnet publish hello.csproj -r $rid -p:PublishAot=true\`"
    echo "- vse-jit: \`dotnet publish src/Vse.Cli\`"
    echo "- vse-r2r: \`dotnet publish src/Vse.Cli -r $rid --self-contained false -p:PublishReadyToRun=true\`"
    echo "- vse-aot: \`dotnet publish src/Vse.Cli -r $rid -p:PublishAot=true\`"
} >"$output"
cat "$output"
