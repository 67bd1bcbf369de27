namespace Vse.Runtime.Vm.Boot;

/// <summary>
/// The initramfs's <c>/init</c>, run by busybox sh as PID 1. The text is fixed: no value from a
/// description is ever part of it (what a description may change reaches the kernel's command
/// line only, checked by <see cref="BootCommandLine"/>). It mounts the kernel file systems,
/// loads the kernel's boot modules in order, mounts the instance's disk, moves everything into
/// it and hands PID 1 to the agent with switch_root. Any failure prints one
/// <c>vse-init: error: ...</c> line on the console and powers off (or, on a machine without ACPI,
/// reboots), so QEMU, run with -no-reboot, exits instead of hanging.
/// </summary>
internal static class InitScript
{
    /// <summary>Where the initramfs carries the agent; the init copies it to <see cref="AgentInRoot"/> on the disk's root.</summary>
    public const string AgentPath = "vse/agent";

    /// <summary>The agent's path once the disk is the root: on a tmpfs, so the disk's own files are never replaced.</summary>
    public const string AgentInRoot = "/run/vse/agent";

    /// <summary>
    /// vse's kernel argument for an instance with a changes disk (<see cref="VmChangesDisk"/>): the
    /// init finds that disk by its serial and makes the root an overlay of the instance's disk,
    /// read-only, and the changes disk's upper directory. Reserved: a description's
    /// <c>boot.cmdline</c> cannot set it (<see cref="BootCommandLine"/>).
    /// </summary>
    public const string ChangesArgument = "vse.changes";

    /// <summary>The busybox applets the script calls (echo, test and [ are shell built-ins).</summary>
    public static readonly IReadOnlyList<string> Applets =
        ["sh", "mount", "mkdir", "insmod", "sleep", "cp", "chmod", "cat", "uname", "switch_root", "poweroff", "reboot"];

    // insmod, unlike modprobe, does not apply the kernel command line's MODULE.PARAM=VALUE words,
    // so the loop does (boot.cmdline may set ext4.* and the like). Not for virtio-mmio: microvm
    // without ACPI passes its devices as virtio_mmio.device=..., which Debian's kernels ignore
    // (no CONFIG_VIRTIO_MMIO_CMDLINE_DEVICES): they find the disk only through microvm's ACPI.
    // `set -f`: no word of /proc/cmdline is ever expanded as a file name.
    // fail(): microvm can power off only with ACPI; without, poweroff halts the CPU and QEMU
    // keeps running, while a reboot is an exit under -no-reboot (which vse always passes).
    // busybox mount spells --move as -o move.
    public const string Text = """
        #!/bin/sh
        # vse-init: the initramfs's init (vse's fixed text; nothing in it comes from a description).
        export PATH=/bin
        set -f

        fail() {
            echo "vse-init: error: $*"
            [ -d /sys/firmware/acpi ] && poweroff -f
            reboot -f
        }

        mount -t proc proc /proc || fail "cannot mount /proc"
        mount -t sysfs sysfs /sys || fail "cannot mount /sys"
        mount -t devtmpfs devtmpfs /dev || fail "cannot mount devtmpfs on /dev"

        release=$(uname -r)
        modules=/lib/modules/$release
        [ -f "$modules/modules.load" ] || fail "the initramfs has no modules for kernel $release"
        cmdline=$(cat /proc/cmdline)
        while read -r module; do
            [ -n "$module" ] || continue
            name=${module##*/}
            name=${name%.ko}
            name=${name//-/_}
            options=
            for word in $cmdline; do
                case "$word" in "$name".*=*) options="$options ${word#"$name".}" ;; esac
            done
            message=$(insmod "$modules/$module" $options 2>&1) || case "$message" in
                *"File exists"*) ;;
                *) fail "cannot load module $name: $message" ;;
            esac
        done < "$modules/modules.load"

        # With vse.changes (an online build step's VM) a second disk, found by its serial, takes
        # every change as an overlay's upper directory; the instance's own disk is the read-only lower.
        root=/dev/vda
        changes=
        case " $cmdline " in
            *" vse.changes "*)
                tries=0
                until [ -n "$changes" ]; do
                    for disk in vda vdb; do
                        [ -f "/sys/block/$disk/serial" ] && [ "$(cat "/sys/block/$disk/serial")" = vse-changes ] && changes=/dev/$disk
                    done
                    tries=$((tries + 1))
                    [ -n "$changes" ] || [ "$tries" -le 50 ] || fail "no changes disk: no disk with serial vse-changes appeared within 5 s"
                    [ -n "$changes" ] || sleep 0.1
                done
                [ "$changes" = /dev/vda ] && root=/dev/vdb
                ;;
        esac

        tries=0
        until [ -b "$root" ] && { [ -z "$changes" ] || [ -b "$changes" ]; }; do
            tries=$((tries + 1))
            [ "$tries" -le 50 ] || fail "no disk: $root${changes:+ or $changes} did not appear within 5 s"
            sleep 0.1
        done

        mkdir -p /newroot || fail "cannot make /newroot"
        if [ -n "$changes" ]; then
            mkdir -p /lower /changes || fail "cannot make /lower and /changes"
            mount -t ext4 -o ro "$root" /lower || fail "cannot mount $root read-only as ext4"
            mount -t ext4 -o rw "$changes" /changes || fail "cannot mount the changes disk $changes as ext4"
            # The upper directory in the plain form the host folds into a layer: no redirects,
            # no metadata-only copies, no index.
            mount -t overlay -o lowerdir=/lower,upperdir=/changes/upper,workdir=/changes/work,index=off,redirect_dir=off,metacopy=off,xino=off overlay /newroot \
                || fail "cannot mount the overlay of $root and the changes disk"
        else
            mount -t ext4 -o rw "$root" /newroot || fail "cannot mount $root as ext4"
        fi
        mkdir -p /newroot/run /newroot/proc /newroot/sys /newroot/dev || fail "cannot make /run, /proc, /sys and /dev on the disk"
        mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /newroot/run || fail "cannot mount a tmpfs on /run"
        mkdir -p /newroot/run/vse || fail "cannot make /run/vse"
        cp /vse/agent /newroot/run/vse/agent || fail "cannot copy the agent to /run/vse"
        chmod 0755 /newroot/run/vse/agent || fail "cannot make the agent executable"
        for fs in proc sys dev; do
            mount -o move "/$fs" "/newroot/$fs" || fail "cannot move /$fs into the disk's root"
        done
        exec switch_root /newroot /run/vse/agent
        """;
}
