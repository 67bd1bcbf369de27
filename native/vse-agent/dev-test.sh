#!/bin/bash
# Dev test of vse-agent in a real VM (QEMU/TCG microvm): builds the agent, a hand-made
# initramfs (busybox + the virtio/ext4/9p/net modules + the agent) and a busybox ext4 root
# disk, boots them with four ports vse.0..vse.3 on unix sockets, and lets dev-client.py (a
# minimal host side of PROTOCOL.md) drive the agent through the protocol, ending with P.
#
#   native/vse-agent/dev-test.sh          scratch in /var/tmp/vse-agent-dev (VSE_AGENT_DEV),
#                                         extra kernel arguments in VSE_AGENT_APPEND,
#                                         VSE_AGENT_POWEROFF=sigterm: end with kill -TERM 1, not P
#
# Needs: qemu-system-x86, busybox-static, e2fsprogs, cpio, xz-utils, python3, apt-get (the
# kernel package is downloaded into the scratch directory once, never installed).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
S=${VSE_AGENT_DEV:-/var/tmp/vse-agent-dev}
mkdir -p "$S"
cd "$S"

# --- kernel: Debian's generic flavour (it has 9p), uncompressed for a fast PVH boot
if [ ! -f kernel/vmlinux ]; then
    pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
    mkdir -p kernel && (cd kernel && apt-get download "$pkg" && dpkg -x ./*.deb x)
    z=$(ls kernel/x/boot/vmlinuz-*)
    off=$(grep -obUaP '\xfd7zXZ\x00' "$z" | head -1 | cut -d: -f1)
    tail -c +$((off + 1)) "$z" | xz -dc > kernel/vmlinux 2>/dev/null || true  # trailing junk after the xz stream
fi
KVER=$(ls kernel/x/lib/modules)
MODS="virtio_ring virtio virtio_mmio virtio_blk virtio_console failover net_failover virtio_net
      crc16 crc32c_generic mbcache jbd2 ext4 netfs fscache 9pnet 9pnet_virtio 9p"

# --- the agent
make -s -C "$HERE"

# --- initramfs: mount the root disk, hand /proc /sys /dev over, /run with the agent, switch_root
rm -rf initramfs && mkdir -p initramfs/{bin,dev,proc,sys,newroot,lib/modules}
cp /bin/busybox initramfs/bin/
for a in sh mount insmod mkdir cp switch_root usleep; do ln -s busybox "initramfs/bin/$a"; done
for m in $MODS; do cp "$(find "kernel/x/lib/modules/$KVER" -name "$m.ko")" initramfs/lib/modules/; done
cp "$HERE/vse-agent" initramfs/vse-agent
cat > initramfs/init <<'EOF'
#!/bin/sh
mount -t devtmpfs devtmpfs /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
for m in virtio_ring virtio virtio_mmio virtio_blk virtio_console failover net_failover virtio_net \
         crc16 crc32c_generic mbcache jbd2 ext4 netfs fscache 9pnet 9pnet_virtio 9p; do
    insmod /lib/modules/$m.ko || echo "init: insmod $m failed"
done
n=0; while [ ! -b /dev/vda ] && [ $n -lt 500 ]; do usleep 10000; n=$((n + 1)); done
mount -t ext4 /dev/vda /newroot || { echo "init: cannot mount the root disk"; exec sh; }
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
mount -t tmpfs -o mode=755 tmpfs /newroot/run
mkdir -p /newroot/run/vse
cp /vse-agent /newroot/run/vse/agent
exec switch_root /newroot /run/vse/agent
EOF
chmod +x initramfs/init
(cd initramfs && find . | cpio -o -H newc --quiet) > initrd.cpio

# --- root disk: busybox with every applet linked, a SysV-style service, no /dev/pts or /dev/shm
rm -rf rootfs && mkdir -p rootfs/{bin,proc,sys,dev,run,tmp,etc/init.d,root}
chmod 1777 rootfs/tmp
cp /bin/busybox rootfs/bin/
for l in $(busybox --list-full); do
    [ "$l" = bin/busybox ] && continue
    mkdir -p "rootfs/$(dirname "$l")"
    ln -sf /bin/busybox "rootfs/$l"
done
cat > rootfs/etc/init.d/hello <<'EOF'
#!/bin/sh
[ "$1" = start ] && echo "started with G=$G" > /run/hello-started
EOF
chmod +x rootfs/etc/init.d/hello
mkfs.ext4 -q -F -d rootfs disk.img 64M

# --- a read-only 9p share
mkdir -p share && echo "from the host share" > share/hello.txt

# --- boot
rm -rf run && mkdir run
KHZ=$(awk -F: '/^cpu MHz/ {printf "%d", $2 * 1000; exit}' /proc/cpuinfo)
ports=()
for i in 0 1 2 3; do
    ports+=(-chardev "socket,id=c$i,path=$S/run/vse.$i.sock,server=on,wait=off"
            -device "virtserialport,chardev=c$i,name=vse.$i")
done
rm -f serial.log
t0=$(date +%s.%N)
qemu-system-x86_64 -accel tcg -M microvm -m 128 -nodefaults -no-reboot -display none \
    -serial file:serial.log -kernel kernel/vmlinux -initrd initrd.cpio \
    -append "console=ttyS0 quiet panic=-1 tsc_early_khz=$KHZ ${VSE_AGENT_APPEND:-}" \
    -drive id=root,file=disk.img,format=raw,if=none -device virtio-blk-device,drive=root \
    -device virtio-serial-device "${ports[@]}" \
    -fsdev local,id=fs0,path="$S/share",security_model=none,readonly=on \
    -device virtio-9p-device,fsdev=fs0,mount_tag=host0 \
    -netdev user,id=n0 -device virtio-net-device,netdev=n0 &
qemu=$!
trap 'kill $qemu 2>/dev/null || true' EXIT

rc=0
python3 "$HERE/dev-client.py" "$S/run" "$t0" || rc=$?

# P was the client's last request: QEMU must be gone within a few seconds.
for _ in $(seq 100); do kill -0 $qemu 2>/dev/null || break; sleep 0.1; done
if kill -0 $qemu 2>/dev/null; then
    echo "FAIL  qemu still running 10 s after P"; rc=1
else
    wait $qemu || true
    echo "PASS  qemu exited $(python3 -c "import time; print('%.2f' % (time.time() - $t0))") s after it started"
    # / was remounted read-only before the power off: ext4 marks it clean then
    if dumpe2fs -h disk.img 2>/dev/null | grep -q '^Filesystem state: *clean$'; then
        echo "PASS  the root disk is clean after the power off"
    else
        echo "FAIL  the root disk is not clean after the power off"; rc=1
    fi
fi
trap - EXIT
echo "--- serial log (vse-agent lines)"
grep -a 'vse-agent\|init:' serial.log || true
echo "--- dev-test: $([ $rc = 0 ] && echo ALL PASSED || echo FAILED)"
exit $rc
