namespace Vse.Cli.Tests;

/// <summary>
/// The example a user would run first on a cluster: <c>examples/apps/mpi-ring</c> over the
/// example site hierarchy, built for real (Debian, Open MPI, compiled during the build),
/// deployed as four instances on a private network, and run with <c>mpirun</c> across them.
/// </summary>
public sealed class MpiAcrossInstancesTests
{
    [SkippableFact]
    public async Task The_mpi_ring_example_runs_one_rank_per_instance_and_its_allreduce_adds_up()
    {
        Requirements.Root();
        Requirements.Tool("mmdebstrap");
        using var workspace = new Workspace();
        workspace.UseExample("mpi-ring");

        var deployed = await workspace.RunAsync("deploy", "mpi-ring/mpi-ring.vse.yaml");
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        var id = deployed.Stdout.Trim();
        try
        {
            var run = await workspace.RunAsync("exec", id + "/0", "--", "mpirun", "--hostfile", "/etc/vse/hostfile", "--map-by", "slot", "/usr/local/bin/mpi-ring");
            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
            MpiRingOutput.AssertRanOnEveryInstance(run.Stdout, 4);
        }
        finally
        {
            Assert.Equal(0, (await workspace.RunAsync("cleanup", id)).ExitCode);
        }
    }
}
