using System.Globalization;

namespace Vse.Runtime.Vm;

/// <summary>
/// Where a VM instance keeps its pieces in its state directory. What lasts for the instance's
/// life sits at the top: the disk overlay, the machine's description, the agent's
/// configuration, the serial console's log (appended to by every QEMU the instance has). Each
/// QEMU process the instance has (start, restore, the destination of a migration) gets a run
/// directory of its own for its PID file and sockets, so during a migration two of them run side
/// by side; <c>current</c> names the one that is the instance.
/// </summary>
internal sealed record VmFiles(string StateDirectory)
{
    public string Disk => Path.Combine(StateDirectory, "disk.qcow2");

    /// <summary>The machine (<see cref="VmMachine"/>), written at create: every later QEMU runs the same one.</summary>
    public string Machine => Path.Combine(StateDirectory, "machine.json");

    /// <summary>The guest agent's configuration records (<see cref="VmAgentConfiguration"/>), written at create, sent at every boot.</summary>
    public string Configuration => Path.Combine(StateDirectory, "agent.json");

    public string Console => Path.Combine(StateDirectory, "console.log");

    /// <summary>Granted files, copied here at create and into the guest at its first boot: triples of target, copy, octal mode.</summary>
    public string CopiedFiles => Path.Combine(StateDirectory, "files.json");

    /// <summary>The copies <see cref="CopiedFiles"/> lists.</summary>
    public string CopiedFile(int index) => Path.Combine(StateDirectory, "files", index.ToString(CultureInfo.InvariantCulture));

    private string CurrentFile => Path.Combine(StateDirectory, "current");

    /// <summary>The run directory of the instance's QEMU, or null before its first start.</summary>
    public VmRun? Current()
    {
        try
        {
            return int.TryParse(File.ReadAllText(CurrentFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? Run(number) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>A fresh run directory, numbered after every one before it.</summary>
    public VmRun NextRun()
    {
        var number = AllRuns().Select(run => run.Number).DefaultIfEmpty(0).Max() + 1;
        var run = Run(number);
        Directory.CreateDirectory(run.Directory);
        return run;
    }

    /// <summary>Makes <paramref name="run"/> the instance's QEMU (an atomic rename) and removes the run directories before it.</summary>
    public void MakeCurrent(VmRun run)
    {
        var temporary = CurrentFile + ".tmp";
        File.WriteAllText(temporary, run.Number.ToString(CultureInfo.InvariantCulture));
        File.Move(temporary, CurrentFile, overwrite: true);
        foreach (var directory in Directory.EnumerateDirectories(StateDirectory, "run-*"))
        {
            if (directory != run.Directory)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>Every run directory there is (the current one, and a migration's destination or a failed start's leftovers).</summary>
    public IEnumerable<VmRun> AllRuns() =>
        Directory.Exists(StateDirectory)
            ? Directory.EnumerateDirectories(StateDirectory, "run-*")
                .Select(directory => int.TryParse(Path.GetFileName(directory)["run-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? Run(number) : null)
                .OfType<VmRun>()
            : [];

    private VmRun Run(int number) => new(Path.Combine(StateDirectory, "run-" + number.ToString(CultureInfo.InvariantCulture)), number);
}
