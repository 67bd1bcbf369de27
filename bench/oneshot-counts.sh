#!/usr/bin/env bash
# What one `vse run FILE -- true` does besides the runtime's own work, counted (not timed: counts
# hold on a loaded machine), for one or two native vse builds side by side, on both one-shot paths
# (runc, vse-launch --once). `strace -f` of one run after two warm-up runs; each system call is
# charged to the program its process (or thread) runs, followed through clone and execve, so vse's
# own calls are told from runc's and the launcher's:
#   processes     execve of a program (successful)
#   fsyncs        fsync, fdatasync, syncfs
#   mkdir/rmdir/unlink/rename   calls, failed ones included (an EEXIST mkdir still costs a lookup)
#   mounts        mount, umount2, fsmount, move_mount
#   db writes     SQLite write transactions (the WAL write lock: fcntl F_WRLCK at byte 120 of vse.db-shm)
#   sleeps        nanosleep, clock_nanosleep (timers and polls); sched_yield counted apart (spinning)
# A process or thread whose creation strace did not show (a runtime's own helpers) is "unknown".
#
# Usage: bench/oneshot-counts.sh --vse DIR [--before DIR]
#   --vse DIR     a native-AOT publish of src/Vse.Cli (dotnet publish src/Vse.Cli -c Release -r linux-x64 -o DIR)
#   --before DIR  a second one (rows "before: ...")
# Needs root, strace. Prints a markdown table. KEEP=1 keeps the strace files (the path is printed).
set -euo pipefail
vse_dir="" before_dir=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --vse) vse_dir=$2; shift 2 ;;
        --before) before_dir=$2; shift 2 ;;
        -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
        *) echo "oneshot-counts.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ -n $vse_dir ]] || { echo "oneshot-counts.sh: --vse DIR is needed (try --help)" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "oneshot-counts.sh: needs root" >&2; exit 4; }
command -v strace >/dev/null || { echo "oneshot-counts.sh: strace is missing (apt-get install strace)" >&2; exit 4; }

# shellcheck source=bench/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/vse-oneshot-counts.XXXXXX")
keep=${KEEP:-0}
trap '[[ $keep == 1 ]] && echo "kept $work" >&2 || rm -rf "$work"' EXIT
oneshot_description "$work/tiny.vse.yaml"

# One line of counts per program of one strace: "PROGRAM processes fsyncs mkdir rmdir unlink rename mounts dbwrites sleeps yields".
count() { # STRACE-FILE
    awk '
        # The first process is vse; a process whose start strace did not show is "unknown".
        function prog(pid) { return (pid in program) ? program[pid] : "unknown" }
        {
            pid = $1; line = $0
            if (NR == 1) program[pid] = "vse"
            # A new process or thread runs what its parent runs until it execs. Its own lines may
            # come first (vfork: the parent resumes only once the child has exec-ed): those are
            # "unknown" then, and an exec seen already is kept.
            if (line ~ /(clone3?|vfork|fork)\(/ || line ~ /<\.\.\. (clone3?|vfork|fork) resumed>/) {
                if (match(line, /= [0-9]+$/)) { child = substr(line, RSTART + 2); if (!(child in program)) program[child] = prog(pid) }
            }
            # An exec counts once it succeeded: its result may come on a later line (-f).
            if (line ~ /execve\("/) {
                match(line, /execve\("[^"]*"/); path = substr(line, RSTART + 8, RLENGTH - 9)
                n = split(path, parts, "/"); pending[pid] = parts[n]
            }
            if ((line ~ /execve\("/ || line ~ /<\.\.\. execve resumed>/) && (pid in pending) && line ~ /= 0$/) {
                program[pid] = pending[pid]; execs[pending[pid]]++; delete pending[pid]
            }
            p = prog(pid); seen[p] = 1
            if (line ~ / (fsync|fdatasync|syncfs)\(/) fsyncs[p]++
            if (line ~ / mkdir(at)?\(/) mkdirs[p]++
            if (line ~ / rmdir\(/ || line ~ /unlinkat\(.*AT_REMOVEDIR/) rmdirs[p]++
            if (line ~ / unlink(at)?\(/ && line !~ /AT_REMOVEDIR/) unlinks[p]++
            if (line ~ / rename(at2?)?\(/) renames[p]++
            if (line ~ / (mount|umount2|fsmount|move_mount)\(/) mounts[p]++
            if (line ~ /F_SETLK, \{l_type=F_WRLCK, l_whence=SEEK_SET, l_start=120, l_len=1\}/) dbwrites[p]++
            if (line ~ / (nanosleep|clock_nanosleep)\(/) sleeps[p]++
            if (line ~ / sched_yield\(/) yields[p]++
        }
        END {
            for (p in seen) printf "%s %d %d %d %d %d %d %d %d %d %d\n", p, execs[p], fsyncs[p], mkdirs[p], rmdirs[p], unlinks[p], renames[p], mounts[p], dbwrites[p], sleeps[p], yields[p]
        }' "$1" | sort
}

echo "### What one \`vse run FILE -- true\` does, counted (strace -f, one run after two warm-up runs)"
echo
echo "- $(nproc) CPUs, $(uname -r), $(date -u '+%Y-%m-%d %H:%M UTC'), $(machine_load)"
echo "- processes: execs of each program; db writes: SQLite write transactions; calls of vse itself (its threads) apart from the runtime's"
echo
echo "| build | path | program | processes | fsyncs | mkdir | rmdir | unlink | rename | mounts | db writes | sleeps | sched_yield |"
echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
for build in after before; do
    dir=$vse_dir; [[ $build == before ]] && dir=$before_dir
    [[ -n $dir ]] || continue
    home=$work/home-$build
    mkdir -p "$home"
    VSE_HOME=$home "$dir/vse" build "$work/tiny.vse.yaml" >/dev/null 2>&1
    for path in runc vse-launch; do
        args=(run "$work/tiny.vse.yaml" -- true)
        [[ $path == vse-launch ]] && args=(run --runtime vse-launch "$work/tiny.vse.yaml" -- true)
        VSE_HOME=$home "$dir/vse" "${args[@]}" >/dev/null 2>&1
        VSE_HOME=$home "$dir/vse" "${args[@]}" >/dev/null 2>&1
        VSE_HOME=$home strace -f -qq -o "$work/$build-$path.strace" "$dir/vse" "${args[@]}" >/dev/null 2>&1
        count "$work/$build-$path.strace" | while read -r program rest; do
            echo "| $build | $path | $program | ${rest// / | } |"
        done
    done
done
