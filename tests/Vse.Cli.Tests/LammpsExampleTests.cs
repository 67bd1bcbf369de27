using Vse.Host.Processes;

namespace Vse.Cli.Tests;

/// <summary><c>examples/apps/lammps</c> deployed once: 4 instances, Debian's LAMMPS and Open MPI.</summary>
public sealed class LammpsDeployment() : ExampleDeployment("lammps", "lammps.vse.yaml");

/// <summary>
/// A real application no one here wrote: LAMMPS's <c>in.melt</c> across the 4 instances with
/// <c>mpirun --hostfile /etc/vse/hostfile</c> and no MPI option of the user's, against the same run
/// on the host; and the ranks mpirun starts over ssh get vse's oversubscription settings.
/// </summary>
public sealed class LammpsExampleTests(LammpsDeployment deployment) : IClassFixture<LammpsDeployment>
{
    private const int Instances = 4;

    private static readonly Dictionary<string, string> HostOpenMpi = new(StringComparer.Ordinal)
    {
        ["OMPI_ALLOW_RUN_AS_ROOT"] = "1",
        ["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1",
    };

    [SkippableFact]
    public async Task In_melt_across_four_instances_ends_at_the_energy_of_a_native_run()
    {
        var lmp = Requirements.Tool("lmp");
        var mpirun = Requirements.Tool("mpirun");
        var id = await deployment.IdAsync();

        var across = await deployment.ExecAsync(id, 0, "mpirun", "--hostfile", "/etc/vse/hostfile", "lmp", "-in", "/opt/lammps/in.melt", "-log", "none");
        Assert.True(across.ExitCode == 0, across.Stdout + across.Stderr);
        Assert.Contains($"on {Instances} procs for 250 steps with 4000 atoms", across.Stdout);

        // The same 4 ranks on the host, with the host's own LAMMPS (scripts/install-deps.sh installs it).
        var input = Path.Combine(deployment.Workspace.Root, "lammps", "input", "in.melt");
        var native = await ExternalTool.RunAsync(
            mpirun, ["-np", Instances.ToString(System.Globalization.CultureInfo.InvariantCulture), "--oversubscribe", lmp, "-in", input, "-log", "none"],
            CancellationToken.None, environment: HostOpenMpi, workingDirectory: deployment.Workspace.Root);

        var step250 = ThermoLine(native.Stdout, 250);
        Assert.Equal(step250, ThermoLine(across.Stdout, 250));
        // And at the start: the same system, not just the same end.
        Assert.Equal(ThermoLine(native.Stdout, 0), ThermoLine(across.Stdout, 0));
    }

    [SkippableFact]
    public async Task Ranks_started_over_ssh_yield_when_idle_exactly_when_the_instances_outnumber_the_cores()
    {
        var id = await deployment.IdAsync();
        var ranks = await deployment.ExecAsync(
            id, 0, "mpirun", "--hostfile", "/etc/vse/hostfile", "sh", "-c", "echo \"$(hostname) ${OMPI_MCA_mpi_yield_when_idle:-unset}\"");
        Assert.True(ranks.ExitCode == 0, ranks.Stdout + ranks.Stderr);

        var expected = Instances > Environment.ProcessorCount ? "1" : "unset";
        for (var i = 0; i < Instances; i++)
        {
            Assert.Contains($"apps-lammps-{i} {expected}\n", ranks.Stdout);
        }
    }

    [SkippableFact]
    public async Task Every_instance_has_an_ssh_host_key_of_its_own_and_no_layer_holds_one()
    {
        var id = await deployment.IdAsync();
        var keys = new List<string>();
        for (var i = 0; i < Instances; i++)
        {
            var key = await deployment.ExecAsync(id, i, "cat", "/etc/ssh/ssh_host_ed25519_key.pub");
            Assert.True(key.ExitCode == 0, key.Stdout + key.Stderr);
            keys.Add(key.Stdout.Trim());
        }

        // Made when each instance started (its sshd runs: mpirun above reaches every instance), not in the image.
        Assert.Equal(Instances, keys.Distinct(StringComparer.Ordinal).Count());
        var layers = Path.Combine(deployment.Workspace.VseHome, "store", "layers");
        var imageKeys = Directory.EnumerateDirectories(layers)
            .Select(layer => Path.Combine(layer, "rootfs", "etc", "ssh"))
            .Where(Directory.Exists)
            .SelectMany(ssh => Directory.EnumerateFiles(ssh, "ssh_host_*"));
        Assert.Empty(imageKeys);
    }

    /// <summary>The thermo line of <paramref name="step"/> (Step Temp E_pair E_mol TotEng Press), its columns joined by one space.</summary>
    private static string ThermoLine(string output, int step)
    {
        var line = output.Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .FirstOrDefault(columns => columns.Length == 6 && columns[0] == step.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(line is not null, $"no thermo line for step {step} in:\n{output}");
        return string.Join(' ', line);
    }
}
