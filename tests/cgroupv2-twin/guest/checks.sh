#!/bin/sh
# The cgroup v2 twin's checks, run as root inside the twin VM (twin.vse.yaml) by CgroupV2VmTests:
# vse (the native-AOT build at /opt/vse) on a kernel whose only cgroup hierarchy is v2, as root
# and as the ordinary user alice, without and with a delegated subtree. It asserts nothing itself:
# each step prints "=== NAME", "--- stdout", its output, "--- stderr", its errors, "--- exit CODE"
# and "--- seconds S" (its wall time), and the test judges them. No value from outside this file
# reaches a shell.
PATH=/opt/vse/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
work=/var/tmp/twin
job=/sys/fs/cgroup/job-alice
rm -rf "$work"
mkdir -p "$work"
cp /opt/twin/plain.vse.yaml /opt/twin/limited.vse.yaml "$work/"
chmod 0755 "$work"
chmod 0644 "$work"/*.vse.yaml
cd "$work" || exit 1

step() {
    name=$1
    shift
    start=$(date +%s.%N)
    "$@" > "$work/out" 2> "$work/err"
    code=$?
    end=$(date +%s.%N)
    echo "=== $name"
    echo "--- stdout"
    cat "$work/out"
    echo "--- stderr"
    cat "$work/err"
    echo "--- exit $code"
    echo "--- seconds $(awk -v start="$start" -v end="$end" 'BEGIN { printf "%.1f", end - start }')"
}

# The instances' groups below PARENT: one line "DIR memory.max cpu.max" each.
groups() {
    for dir in "$1"/*/; do
        [ -d "$dir" ] && echo "$dir $(cat "$dir/memory.max") $(cat "$dir/cpu.max")"
    done
    return 0
}

# Runs a command as alice, in her home; with "job" first in the group given to her, in its leaf
# task/ (moved there as root, as a resource manager puts a job's processes: the common parent's
# cgroup.procs is root's; never in job-alice itself, whose children get controllers).
alice() {
    where=$1
    shift
    set -- setpriv --reuid alice --regid alice --init-groups env HOME=/home/alice USER=alice VSE_HOME=/home/alice/vse "$@"
    if [ "$where" = job ]; then
        set -- sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$job/task" "$@"
    fi
    (cd /home/alice && exec "$@")
}

# --- root
export VSE_HOME=/var/tmp/twin-root
step mount sh -c 'stat -f -c %T /sys/fs/cgroup; cat /proc/self/cgroup'
# Nothing enabled yet: what the root group offers its children afterwards, vse enabled.
step subtree-before cat /sys/fs/cgroup/cgroup.subtree_control
step doctor vse doctor --json

step deploy-limited vse deploy --runtime vse-launch limited.vse.yaml
limited=$(cat "$work/out")
step limits groups /sys/fs/cgroup/vse
step under-limit vse exec "$limited" -- dd if=/dev/zero of=/dev/null bs=8M count=1
step over-limit vse exec "$limited" -- dd if=/dev/zero of=/dev/null bs=96M count=1
step suspend vse suspend "$limited"
step frozen sh -c 'cat /sys/fs/cgroup/vse/*/cgroup.freeze; grep -h frozen /sys/fs/cgroup/vse/*/cgroup.events'
step resume vse resume "$limited"
step thawed sh -c 'cat /sys/fs/cgroup/vse/*/cgroup.freeze; grep -h frozen /sys/fs/cgroup/vse/*/cgroup.events'
step cleanup-limited vse cleanup "$limited"

# The OCI path: runc gets the same group (cgroupsPath) and writes the same limits.
step runc-deploy vse deploy --runtime runc limited.vse.yaml
oci=$(cat "$work/out")
step runc-limits groups /sys/fs/cgroup/vse
step runc-over-limit vse exec "$oci" -- dd if=/dev/zero of=/dev/null bs=96M count=1
step runc-cleanup vse cleanup "$oci"

step deploy-many vse deploy --runtime vse-launch -n 64 plain.vse.yaml
many=$(cat "$work/out")
step groups-many sh -c 'ls -d /sys/fs/cgroup/vse/*/ | wc -l'
step exec-many vse exec "$many/63" -- hostname
step cleanup-many vse cleanup "$many"
step groups-left-root sh -c 'find /sys/fs/cgroup/vse -mindepth 1 -type d'

# --- alice without a delegated group: she is in the root cgroup, which is not hers
unset VSE_HOME
step alice-undelegated alice none vse run --runtime vse-launch "$work/limited.vse.yaml" -- echo ran

# --- alice in a group given to her, job-alice with its leaf task/ (each directory and its
# cgroup.procs, cgroup.subtree_control and cgroup.threads hers)
mkdir -p "$job/task"
# A resource manager offers the job's group the controllers itself (vse as root did so already).
echo "+cpu +memory +pids" > /sys/fs/cgroup/cgroup.subtree_control
for group in "$job" "$job/task"; do
    chown alice:alice "$group" "$group/cgroup.procs" "$group/cgroup.subtree_control" "$group/cgroup.threads"
done
step alice-doctor alice job vse doctor --json
step alice-deploy alice job vse deploy --runtime vse-launch "$work/limited.vse.yaml"
delegated=$(cat "$work/out")
step alice-limits groups "$job/vse"
step alice-over-limit alice job vse exec "$delegated" -- dd if=/dev/zero of=/dev/null bs=96M count=1
step alice-suspend alice job vse suspend "$delegated"
step alice-frozen sh -c 'grep -h frozen /sys/fs/cgroup/job-alice/vse/*/cgroup.events'
step alice-resume alice job vse resume "$delegated"
step alice-cleanup alice job vse cleanup "$delegated"
step groups-left-alice sh -c 'find /sys/fs/cgroup/job-alice/vse -mindepth 1 -type d'
