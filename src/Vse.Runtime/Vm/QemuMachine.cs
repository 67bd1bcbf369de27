using System.Globalization;
using System.Text.Json;
using Vse.Runtime.Drivers;
using Vse.Runtime.Host;
using Vse.Runtime.Vm.Agent;

namespace Vse.Runtime.Vm;

/// <summary>
/// The QEMU command line of one VM instance, per docs/host-facts.md ("Booting under TCG"): a
/// microvm booting the uncompressed kernel directly (PVH), the instance's disk overlay on
/// virtio-blk, the agent's ports on virtio-serial, granted mounts on virtio-9p, the console
/// appended to a log, the monitor on a socket. Every value reaches QEMU as an argument of its
/// own; paths inside QEMU's <c>key=value,...</c> options have their commas doubled, QEMU's own quoting.
/// </summary>
internal static class QemuMachine
{
    /// <summary>Below this a Debian kernel does not boot (the reference measured ~80 MiB).</summary>
    public const long MinimumMemoryBytes = 128L << 20;

    public const long DefaultMemoryBytes = 512L << 20;

    /// <summary>The machine an instance of <paramref name="spec"/> runs.</summary>
    public static VmMachine For(InstanceSpec spec, VmAccelerator accelerator, string kernel, string initrd, string commandLine, VmNic? nic) =>
        new(
            spec.Id,
            VmAccelerators.Name(accelerator),
            Math.Max(spec.MemoryBytes ?? DefaultMemoryBytes, MinimumMemoryBytes) >> 20,
            spec.Cpus ?? 1,
            kernel,
            initrd,
            commandLine,
            [.. Shared(spec.Mounts).Select((mount, index) => new VmShare(ShareTag(index), mount.Source, mount.ReadOnly))],
            nic,
            spec.ChangesDisk);

    /// <summary>
    /// The mounts shared over 9p: the directories. 9p shares directories only, so a granted file
    /// (the hosts file, the hostfile, the deployment's SSH keys) is copied into the guest at boot
    /// instead (<see cref="VmAgentConfiguration"/>).
    /// </summary>
    public static IEnumerable<InstanceMount> Shared(IEnumerable<InstanceMount> mounts) => mounts.Where(mount => Directory.Exists(mount.Source));

    public static IReadOnlyList<string> Arguments(VmMachine machine, VmFiles files, VmRun run)
    {
        List<string> arguments =
        [
            "-name", machine.Name,
            .. VmAccelerators.Parse(machine.Accelerator) == VmAccelerator.Kvm ? (string[])["-accel", "kvm", "-cpu", "host"] : ["-accel", "tcg"],
            "-M", "microvm",
            "-m", machine.MemoryMib.ToString(CultureInfo.InvariantCulture),
            "-smp", machine.Cpus.ToString(CultureInfo.InvariantCulture),
            "-nodefaults", "-no-user-config", "-no-reboot", "-display", "none",
            "-kernel", machine.Kernel, "-initrd", machine.Initrd, "-append", machine.CommandLine,
            "-chardev", $"file,id=console,path={Escape(files.Console)},append=on", "-serial", "chardev:console",
            "-drive", $"id=root,file={Escape(files.Disk)},format=qcow2,if=none,discard=unmap",
            "-device", "virtio-blk-device,drive=root",
            "-device", "virtio-serial-device",
            "-qmp", $"unix:{Escape(run.Monitor)},server=on,wait=off",
        ];
        for (var port = 0; port < AgentConnection.Ports; port++)
        {
            arguments.AddRange([
                "-chardev", $"socket,id=agent{port},path={Escape(run.AgentSocket(port))},server=on,wait=off",
                "-device", $"virtserialport,chardev=agent{port},name=vse.{port}",
            ]);
        }

        if (machine.ChangesDisk is { } changes)
        {
            // Found by its serial in the guest: virtio-mmio devices need not appear in the order given.
            arguments.AddRange([
                "-drive", $"id=changes,file={Escape(changes)},format=raw,if=none",
                "-device", $"virtio-blk-device,drive=changes,serial={VmChangesDisk.Serial}",
            ]);
        }

        if (machine.Nic is { } nic)
        {
            arguments.AddRange([
                "-netdev", $"tap,id=net,ifname={nic.Tap},script=no,downscript=no",
                "-device", $"virtio-net-device,netdev=net,mac={nic.Mac}",
            ]);
        }

        foreach (var share in machine.Shares)
        {
            arguments.AddRange([
                "-fsdev", $"local,id={share.Tag},path={Escape(share.Source)},security_model=none{(share.ReadOnly ? ",readonly=on" : "")}",
                "-device", $"virtio-9p-device,fsdev={share.Tag},mount_tag={share.Tag}",
            ]);
        }

        return arguments;
    }

    /// <summary>The 9p tag of the instance's <paramref name="index"/>th mount.</summary>
    public static string ShareTag(int index) => "vse" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>QEMU's option syntax: a comma inside a value is written twice.</summary>
    public static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);

    public static async Task WriteAsync(string path, VmMachine machine, CancellationToken cancellationToken)
    {
        await using var stream = File.Create(path);
        await JsonSerializer.SerializeAsync(stream, machine, VmMachineJson.Default.VmMachine, cancellationToken);
    }

    public static async Task<VmMachine> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync(stream, VmMachineJson.Default.VmMachine, cancellationToken)
            ?? throw new InvalidDataException($"{path} does not describe a machine");
    }
}
