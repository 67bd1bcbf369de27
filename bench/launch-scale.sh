#!/usr/bin/env bash
# Bulk launch, measured: N instances up with (a) vse-launch, (b) runc run -d (4 in parallel),
# (c) unshare + chroot (a floor: no cgroups, no masks, no capability drop), and with MODES
# containing "userns" (d) vse-launch --userns run by an ordinary user (ROOTLESS_USER, default
# vse-rootless-test, made with useradd if missing): a user namespace per instance, no cgroup
# (none is delegated to a user on a hybrid host).
# Same instance for all: own overlay over one busybox image mounted inside the instance's mount
# namespace, pid/uts/ipc/net/mount namespaces, init = /bin/sleep. Needs root.
#   usage: bench/launch-scale.sh [N...]        (default: 16 64 256 1024)
# Prints a markdown table. Cleans up everything it starts (also on error / Ctrl-C).
set -euo pipefail

NS=("${@:-16 64 256 1024}")
NS=(${NS[*]})
HERE=$(cd "$(dirname "$0")/.." && pwd)
LAUNCH=${VSE_LAUNCH:-$HERE/native/vse-launch/vse-launch}
W=/tmp/launch-bench
IMAGE=$W/image
RUNC_ROOT=/run/vse-launch-bench-runc
CGNAME=vse-launch-bench
CONTROLLERS=(memory pids freezer cpu cpuacct devices)
PAR=4

now() { date +%s.%N; }
mem_avail_kb() { awk '/^MemAvailable:/ {print $2}' /proc/meminfo; }
log() { echo "# $*" >&2; }

cleanup() {
    set +e
    [ -f $W/floor.pids ] && xargs -r kill -9 < $W/floor.pids 2>/dev/null
    [ -f $W/vse.pids ] && xargs -r kill -9 < $W/vse.pids 2>/dev/null
    if [ -d $RUNC_ROOT ]; then
        runc --root $RUNC_ROOT list -q 2>/dev/null | xargs -r -n1 runc --root $RUNC_ROOT delete -f 2>/dev/null
        rm -rf $RUNC_ROOT
    fi
    sleep 0.3
    for c in "${CONTROLLERS[@]}" blkio cpuset systemd unified; do  # runc makes all of them
        d=/sys/fs/cgroup/$c/$CGNAME
        [ -d $d ] || continue
        for i in 1 2 3 4 5; do find $d -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null; rmdir $d 2>/dev/null && break; sleep 0.3; done
    done
    rm -rf $W
}
trap cleanup EXIT INT TERM

[ -x $LAUNCH ] || make -C $HERE/native/vse-launch >&2
if [ ! -x $IMAGE/bin/busybox ]; then
    mkdir -p $IMAGE/bin $IMAGE/proc $IMAGE/sys $IMAGE/dev $IMAGE/etc/vse $IMAGE/tmp
    cp /bin/busybox $IMAGE/bin/ && chroot $IMAGE /bin/busybox --install -s /bin
fi
printf '127.0.0.1 localhost\n' > $W/hosts
printf 'node0 slots=2\n' > $W/hostfile
CGARGS=()
for c in "${CONTROLLERS[@]}"; do mkdir -p /sys/fs/cgroup/$c/$CGNAME; CGARGS+=(--cgroup-root /sys/fs/cgroup/$c/$CGNAME); done

prep_state() {  # N PREFIX: state dirs s/PREFIX-i/{upper,work,rootfs}
    rm -rf $W/s; mkdir -p $W/s
    for ((i = 0; i < $1; i++)); do mkdir -p $W/s/$2-$i/{upper,work,rootfs}; done
}

# Kills the pids in FILE and waits until they are gone (a zombie counts as gone: PID 1 reaps it).
kill_wait() {
    xargs -r kill -9 < $1 2>/dev/null || true
    while read -r p; do
        local st=R
        while [ "$st" != Z ] && read -r _ _ st _ 2>/dev/null < /proc/$p/stat; do [ "$st" = Z ] || sleep 0.01; done
    done < $1
}

rmdir_cgroups() {  # PREFIX: rmdir every instance cgroup (retry: the last exit can lag the kill)
    for c in "${CONTROLLERS[@]}"; do
        for try in $(seq 50); do
            find /sys/fs/cgroup/$c/$CGNAME -mindepth 1 -maxdepth 1 -type d -name "$1-*" -exec rmdir {} + 2>/dev/null && break
            sleep 0.02
        done
    done
}

# ---- (a) vse-launch
run_vse() {  # N -> "launch_s mem_kb teardown_s"
    local n=$1
    prep_state $n v
    for ((i = 0; i < n; i++)); do printf 'v-%d\tnode%d\t%s\t%s\n' $i $i $IMAGE $W/s/v-$i; done > $W/vse.in
    launched $n vse-launch v $LAUNCH --bind $W/hosts:/etc/hosts --bind $W/hostfile:/etc/vse/hostfile "${CGARGS[@]}" \
        --env PATH=/bin --env HOME=/root -- /bin/sleep 100000 < $W/vse.in
}

# N NAME PREFIX LAUNCHER-COMMAND... (stdin: the instance lines): runs the launcher, then
# measures memory, kills every instance and removes its cgroups -> "launch_s mem_kb teardown_s"
launched() {
    local n=$1 name=$2 prefix=$3
    shift 3
    local m0=$(mem_avail_kb) t0=$(now)
    "$@" > $W/vse.out || true
    local t1=$(now)
    cut -f2 $W/vse.out | grep -E '^[0-9]+$' > $W/vse.pids || true
    local ok=$(wc -l < $W/vse.pids)
    [ "$ok" = "$n" ] || { log "$name: only $ok/$n up"; grep error $W/vse.out | head -3 >&2; }
    sleep 1
    local m1=$(mem_avail_kb) t2=$(now)
    kill_wait $W/vse.pids
    rmdir_cgroups $prefix
    rm -rf $W/s
    local t3=$(now)
    rm -f $W/vse.pids
    echo "$(echo "$t1 - $t0" | bc) $(( (m0 - m1) / n )) $(echo "$t3 - $t2" | bc)"
}

# ---- (d) vse-launch --userns as an ordinary user (setpriv), the same instances without cgroups
run_userns() {  # N -> "launch_s mem_kb teardown_s"
    local n=$1 user=${ROOTLESS_USER:-vse-rootless-test}
    id -u $user > /dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin $user
    prep_state $n u
    # The user's image, as a rootless vse builds it: root-owned directories show as nobody in the
    # user namespace, and the bind targets could not be made in them.
    chown -R $user: $W/s $IMAGE
    chmod 755 $W
    for ((i = 0; i < n; i++)); do printf 'u-%d\tnode%d\t%s\t%s\n' $i $i $IMAGE $W/s/u-$i; done > $W/userns.in
    launched $n "vse-launch --userns" u setpriv --reuid=$(id -u $user) --regid=$(id -g $user) --clear-groups \
        $LAUNCH --userns --bind $W/hosts:/etc/hosts --bind $W/hostfile:/etc/vse/hostfile \
        --env PATH=/bin --env HOME=/root -- /bin/sleep 100000 < $W/userns.in
}

# ---- (b) runc, bundles as vse writes them (OciSpecBuilder): overlay as the first mount, on "/"
runc_template() {
    jq -n --arg hosts $W/hosts --arg hostfile $W/hostfile '
    ["CAP_AUDIT_WRITE","CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_MKNOD",
     "CAP_NET_BIND_SERVICE","CAP_NET_RAW","CAP_SETFCAP","CAP_SETGID","CAP_SETPCAP","CAP_SETUID","CAP_SYS_CHROOT"] as $caps |
    {ociVersion: "1.0.2",
     process: {terminal: false, user: {uid: 0, gid: 0}, args: ["/bin/sleep", "100000"],
               env: ["HOME=/root", "PATH=/bin"], cwd: "/",
               capabilities: {bounding: $caps, effective: $caps, permitted: $caps},
               rlimits: [{type: "RLIMIT_NOFILE", hard: 1024, soft: 1024}], noNewPrivileges: true},
     root: {path: "rootfs", readonly: false},
     hostname: "HOST",
     mounts: [
       {destination: "/", type: "overlay", source: "overlay", options: ["lowerdir=LOWER", "upperdir=STATE/upper", "workdir=STATE/work"]},
       {destination: "/proc", type: "proc", source: "proc"},
       {destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid","strictatime","mode=755","size=65536k"]},
       {destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid","noexec","newinstance","ptmxmode=0666","mode=0620","gid=5"]},
       {destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid","noexec","nodev","mode=1777","size=65536k"]},
       {destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid","noexec","nodev"]},
       {destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid","noexec","nodev","ro"]},
       {destination: "/etc/hosts", type: "bind", source: $hosts, options: ["rbind","ro","nosuid","nodev"]},
       {destination: "/etc/vse/hostfile", type: "bind", source: $hostfile, options: ["rbind","ro","nosuid","nodev"]}],
     linux: {namespaces: [{type: "pid"},{type: "ipc"},{type: "uts"},{type: "mount"},{type: "network"}],
             cgroupsPath: "CGPATH",
             resources: {devices: [{allow: false, access: "rwm"}]},
             maskedPaths: ["/proc/acpi","/proc/asound","/proc/kcore","/proc/keys","/proc/latency_stats","/proc/timer_list",
                           "/proc/timer_stats","/proc/sched_debug","/sys/firmware","/proc/scsi"],
             readonlyPaths: ["/proc/bus","/proc/fs","/proc/irq","/proc/sys","/proc/sysrq-trigger"]}}'
}

run_runc() {
    local n=$1 tpl
    prep_state $n r
    tpl=$(runc_template)
    for ((i = 0; i < n; i++)); do
        local s=$W/s/r-$i
        sed -e "s|LOWER|$IMAGE|; s|STATE|$s|g; s|\"HOST\"|\"node$i\"|; s|CGPATH|/$CGNAME/r-$i|" <<< "$tpl" > $s/config.json
        echo r-$i
    done > $W/runc.ids
    mkdir -p $RUNC_ROOT
    local m0=$(mem_avail_kb) t0=$(now)
    xargs -P $PAR -I{} sh -c "runc --root $RUNC_ROOT run -d -b $W/s/{} {} < /dev/null >> $W/s/{}/init.log 2>&1 || echo {} >> $W/runc.fail" < $W/runc.ids
    local t1=$(now)
    [ -f $W/runc.fail ] && { log "runc: $(wc -l < $W/runc.fail) failed"; tail -3 $W/s/$(head -1 $W/runc.fail)/init.log >&2; rm -f $W/runc.fail; }
    sleep 1
    local m1=$(mem_avail_kb) t2=$(now)
    xargs -P $PAR -I{} runc --root $RUNC_ROOT delete -f {} < $W/runc.ids
    rm -rf $W/s
    local t3=$(now)
    echo "$(echo "$t1 - $t0" | bc) $(( (m0 - m1) / n )) $(echo "$t3 - $t2" | bc)"
}

# ---- (c) floor: unshare + chroot, the overlay and /proc mounted in the instance's own namespace
run_floor() {
    local n=$1
    prep_state $n f
    : > $W/floor.pids
    local m0=$(mem_avail_kb) t0=$(now)
    for ((i = 0; i < n; i++)); do
        local s=$W/s/f-$i
        unshare --mount --propagation private --pid --fork --uts --ipc --net --kill-child \
            /bin/busybox sh -c "mount -t overlay overlay -o lowerdir=$IMAGE,upperdir=$s/upper,workdir=$s/work $s/rootfs &&
                mount -t proc proc $s/rootfs/proc && hostname node$i && exec chroot $s/rootfs /bin/sleep 100001" \
            < /dev/null >> $s/init.log 2>&1 &
        echo $! >> $W/floor.pids
    done
    while [ "$(pgrep -xc -f '/bin/sleep 100001' || true)" -lt $n ]; do sleep 0.02; done
    local t1=$(now)
    sleep 1
    local m1=$(mem_avail_kb) t2=$(now)
    kill_wait $W/floor.pids
    while pgrep -f '/bin/sleep 100001' > /dev/null; do sleep 0.01; done
    wait 2>/dev/null || true
    rm -rf $W/s
    local t3=$(now)
    rm -f $W/floor.pids
    echo "$(echo "$t1 - $t0" | bc) $(( (m0 - m1) / n )) $(echo "$t3 - $t2" | bc)"
}

mounts0=$(findmnt -n | wc -l)
log "host mount table: $mounts0 entries; N = ${NS[*]}"
MODES=${MODES:-vse runc floor}
rows=()
urows=()
for n in "${NS[@]}"; do
    if [[ " $MODES " == *" userns "* ]]; then read -r ua um ut < <(run_userns $n); log "N=$n vse-launch --userns: up ${ua}s, ${um} kB/inst, teardown ${ut}s"; urows+=("$n $ua $um $ut"); fi
    va=nan vm=nan vt=nan ra=nan rm_=nan rt=nan fa=nan fm=nan ft=nan
    if [[ " $MODES " == *" vse "* ]]; then read -r va vm vt < <(run_vse $n); log "N=$n vse-launch: up ${va}s, ${vm} kB/inst, teardown ${vt}s"; fi
    if [[ " $MODES " == *" runc "* ]]; then read -r ra rm_ rt < <(run_runc $n); log "N=$n runc:       up ${ra}s, ${rm_} kB/inst, teardown ${rt}s"; fi
    if [[ " $MODES " == *" floor "* ]]; then read -r fa fm ft < <(run_floor $n); log "N=$n floor:      up ${fa}s, ${fm} kB/inst, teardown ${ft}s"; fi
    [ "$(findmnt -n | wc -l)" = "$mounts0" ] || log "WARNING: host mount table changed"
    rows+=("$n $va $ra $fa $vm $rm_ $fm $vt $rt $ft")
done

ratio() { [ "$1" = nan ] || [ "$2" = nan ] && echo nan || echo "$1 / $2" | bc -l; }
mb() { [ "$1" = nan ] && echo nan || echo "$1 / 1024" | bc -l; }
echo "| N | vse-launch up (s) | runc up (s) | unshare+chroot up (s) | runc / vse-launch | floor / vse-launch | MB/inst vse-launch | MB/inst runc | MB/inst floor | teardown vse-launch (s) | teardown runc (s) | teardown floor (s) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for r in "${rows[@]}"; do
    set -- $r
    printf '| %s | %.2f | %.2f | %.2f | %.1fx | %.2fx | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f |\n' \
        $1 $2 $3 $4 $(ratio $3 $2) $(ratio $4 $2) $(mb $5) $(mb $6) $(mb $7) $8 $9 ${10}
done
if [ ${#urows[@]} -gt 0 ]; then
    echo
    echo "| N | vse-launch --userns, ordinary user, up (s) | MB/inst | teardown (s) |"
    echo "|---|---|---|---|"
    for r in "${urows[@]}"; do
        set -- $r
        printf '| %s | %.2f | %.2f | %.2f |\n' $1 $2 $(mb $3) $4
    done
fi
