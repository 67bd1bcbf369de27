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
: > "$work/console.log"
qemu-system-x86_64 -accel tcg -M microvm -m "$memory" -smp 1 -nodefaults -no-user-config -no-reboot -display none \
  -kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
  -chardev "file,id=console,path=$work/console.log" -serial chardev:console \
  -drive "id=root,file=$disk,format=raw,if=none,snapshot=on" -device virtio-blk-device,drive=root \
  -device virtio-serial-device "${ports[@]}" &
qemu=$!
until grep -q 'ready for the host' "$work/console.log"; do
  kill -0 "$qemu" 2>/dev/null || { echo "qemu ended before the agent was ready" >&2; exit 1; }
  sleep 0.01
done
