#!/usr/bin/env bash
# One bare QEMU boot for bench/vm.sh: the machine vse's VM driver runs (src/Vse.Runtime/Vm/
# QemuMachine.cs: microvm, the same kernel, initramfs and devices), with the base disk behind a
# throwaway overlay (snapshot=on) instead of an instance's qcow2; timed until the guest agent
# prints that it is ready on the console, then stopped.
# Usage: bench/vm-bare-boot.sh VMLINUX INITRD BASE_DISK MEMORY_MIB 'KERNEL COMMAND LINE'
set -euo pipefail
kernel=$1 initrd=$2 disk=$3 memory=$4 cmdline=$5
work=$(mktemp -d -t vse-bare-boot-XXXXXX)
trap 'kill "$qemu" 2>/dev/null; wait "$qemu" 2>/dev/null; rm -rf "$work"' EXIT
ports=()
for port in 0 1 2 3; do
  ports+=(-chardev "socket,id=agent$port,path=$work/agent-$port.sock,server=on,wait=off" -device "virtserialport,chardev=agent$port,name=vse.$port")
done
# The console goes into a FIFO (QEMU's pipe backend: PATH.out, PATH.in) that grep reads: it blocks until the line comes, so the wait
# takes no CPU from the guest (a polling loop did, on 2 cores).
mkfifo "$work/console.in" "$work/console.out"
qemu-system-x86_64 -accel tcg -M microvm -m "$memory" -smp 1 -nodefaults -no-user-config -no-reboot -display none \
  -kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
  -chardev "pipe,id=console,path=$work/console" -serial chardev:console \
  -drive "id=root,file=$disk,format=raw,if=none,snapshot=on" -device virtio-blk-device,drive=root \
  -device virtio-serial-device "${ports[@]}" &
qemu=$!
grep -q -m 1 'ready for the host' < "$work/console.out" || { echo "qemu ended before the agent was ready" >&2; exit 1; }
