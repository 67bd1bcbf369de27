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
cp /opt/twin/plain.vse.yaml /opt/twin/limited.vse.yaml /opt/twin/app.vse.yaml /opt/twin/cluster.vse.yaml /opt/twin/twin-echo.c "$work/"
chmod 0755 "$work"
chmod 0644 "$work"/*.vse.yaml "$work/twin-echo.c"
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

# The instances' own groups directly below PARENT, one a line: every directory but
# unlimited-memory, the parent of launched instances without a memory limit.
instances() {
    for dir in "$1"/*/; do
        [ -d "$dir" ] && [ "$dir" != "$1/unlimited-memory/" ] && echo "$dir"
    done
    return 0
}

# The instances' groups below PARENT: one line "DIR memory.max cpu.max" each.
groups() {
    for dir in $(instances "$1"); do
        echo "$dir $(cat "$dir/memory.max") $(cat "$dir/cpu.max")"
    done
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
step frozen sh -c 'for d in $0; do cat "$d/cgroup.freeze"; grep -h frozen "$d/cgroup.events"; done' "$(instances /sys/fs/cgroup/vse)"
step resume vse resume "$limited"
step thawed sh -c 'for d in $0; do cat "$d/cgroup.freeze"; grep -h frozen "$d/cgroup.events"; done' "$(instances /sys/fs/cgroup/vse)"
step cleanup-limited vse cleanup "$limited"

# The OCI path: runc gets the same group (cgroupsPath) and writes the same limits.
step runc-deploy vse deploy --runtime runc limited.vse.yaml
oci=$(cat "$work/out")
step runc-limits groups /sys/fs/cgroup/vse
step runc-over-limit vse exec "$oci" -- dd if=/dev/zero of=/dev/null bs=96M count=1
step runc-cleanup vse cleanup "$oci"

step deploy-many vse deploy --runtime vse-launch -n 64 plain.vse.yaml
many=$(cat "$work/out")
# Without a memory limit: each in a group of its own below vse/unlimited-memory, which enables
# every controller for them but memory (no memory cgroup each: docs/runtime.md, "Scale").
step groups-many sh -c 'ls -d /sys/fs/cgroup/vse/unlimited-memory/*/ | wc -l'
step shared-memory-many sh -c 'cat /sys/fs/cgroup/vse/unlimited-memory/cgroup.subtree_control; ls /sys/fs/cgroup/vse/unlimited-memory/*/memory.current 2>/dev/null | wc -l; ls /sys/fs/cgroup/vse/unlimited-memory/*/pids.current | wc -l'
step exec-many vse exec "$many/63" -- hostname
step cleanup-many vse cleanup "$many"
step groups-left-root sh -c 'find /sys/fs/cgroup/vse -mindepth 1 -type d ! -name unlimited-memory'

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
step alice-frozen sh -c 'for d in $0; do grep -h frozen "$d/cgroup.events"; done' "$(instances /sys/fs/cgroup/job-alice/vse)"
step alice-resume alice job vse resume "$delegated"
step alice-cleanup alice job vse cleanup "$delegated"
step groups-left-alice sh -c 'find /sys/fs/cgroup/job-alice/vse -mindepth 1 -type d ! -name unlimited-memory'

# --- alice, the Done-when of issue 14: on the site's Debian base (root built it on the host into
# a site store, shared read-only at /opt/site with the site's descriptions), a build with packages
# from the site's offline repository and a compile step, a run, and a 4-instance private cluster.
# Not in a job group: the environment asks for no limits.
site() {
    alice none env VSE_SITE_DIR=/opt/site/etc VSE_SITE_STORE=/opt/site/store "$@"
}

# Sends a line from instance 3 to instance 0 by hostname, again while instance 0's listener is not up yet.
send_to_0() {
    [ -n "$1" ] || { echo "no cluster: its deploy failed" >&2; return 1; }
    tries=0
    until site vse exec "$1/3" -- /usr/local/bin/twin-echo send twin-cluster-0 7000 from-3; do
        tries=$((tries + 1))
        [ "$tries" -lt 30 ] || return 1
        sleep 1
    done
}

# The processes whose real uid is alice's (none once her cluster is cleaned up).
processes_of_alice() {
    uid=$(id -u alice)
    for status in /proc/[0-9]*/status; do
        awk -v uid="$uid" '$1 == "Uid:" && $2 == uid { found = 1 } END { exit !found }' "$status" 2>/dev/null && echo "$status"
    done
    return 0
}

step site-store stat -c '%U %a %n' /opt/site/store /opt/site/store/layers
step site-build site vse build "$work/app.vse.yaml"
step site-run site vse run --runtime vse-launch "$work/app.vse.yaml" -- /usr/local/bin/twin-echo hello
# Built first with vse build, which enters her build namespace; deploy builds what is missing
# without it, and her layers hold directories only their image owners may enter (apt's partial/).
step site-build-cluster site vse build "$work/cluster.vse.yaml"
step site-deploy site vse deploy --runtime vse-launch -n 4 "$work/cluster.vse.yaml"
cluster=$(cat "$work/out")
step site-hosts site vse exec "$cluster/3" -- cat /etc/hosts
step site-serve site vse exec "$cluster/0" -- sh -c '/usr/local/bin/twin-echo serve 7000 </dev/null >/tmp/served 2>&1 &'
step site-send send_to_0 "$cluster"
step site-served site vse exec "$cluster/0" -- cat /tmp/served
step site-cleanup site vse cleanup "$cluster"
step site-left processes_of_alice
