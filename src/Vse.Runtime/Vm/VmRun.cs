using System.Globalization;

namespace Vse.Runtime.Vm;

/// <summary>One QEMU process of an instance: its PID file and sockets (<see cref="VmFiles"/>).</summary>
internal sealed record VmRun(string Directory, int Number)
{
    public string Pid => Path.Combine(Directory, "qemu.pid");

    public string Monitor => Path.Combine(Directory, "qmp.sock");

    /// <summary>Where QEMU sends a checkpoint's memory (vse listens) or receives it on restore (QEMU listens).</summary>
    public string MigrationSocket => Path.Combine(Directory, "migration.sock");

    public string AgentSocket(int port) => Path.Combine(Directory, $"agent-{port.ToString(CultureInfo.InvariantCulture)}.sock");

    public string AgentLock(int port) => Path.Combine(Directory, $"agent-{port.ToString(CultureInfo.InvariantCulture)}.lock");
}
