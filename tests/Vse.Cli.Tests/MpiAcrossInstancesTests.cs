namespace Vse.Cli.Tests;

/// <summary>
/// One workspace for the tests of <see cref="MpiAcrossInstancesTests"/>: <c>examples/apps/scratch</c>
/// extends <c>examples/apps/mpi-ring</c>, so its image is mpi-ring's layers (built once) and one more.
/// </summary>
public sealed class MpiExamplesWorkspace : IDisposable
{
    public MpiExamplesWorkspace()
    {
        Workspace.UseExample("mpi-ring");
        Workspace.UseExample("scratch");
    }

    public Workspace Workspace { get; } = new();

    public void Dispose() => Workspace.Dispose();
}

/// <summary>
/// The example a user would run first on a cluster: <c>examples/apps/mpi-ring</c> over the
/// example site hierarchy, built for real (Debian, Open MPI, compiled during the build),
/// deployed as four instances on a private network, and run with <c>mpirun</c> across them;
/// and <c>examples/apps/scratch</c>, the same ranks writing and reading files through one
/// policy-allowed scratch directory every instance mounts.
/// </summary>
public sealed class MpiAcrossInstancesTests(MpiExamplesWorkspace examples) : IClassFixture<MpiExamplesWorkspace>
{
    /// <summary>The user the workspace runs vse as (<see cref="Workspace.Environment"/>): <c>/scratch/${env.USER}</c>.</summary>
    private const string HostScratch = "/scratch/alice";

    [SkippableFact]
    public async Task The_mpi_ring_example_runs_one_rank_per_instance_and_its_allreduce_adds_up()
    {
        Requirements.Root();
        Requirements.Tool("mmdebstrap");
        var workspace = examples.Workspace;

        var deployed = await workspace.RunAsync("deploy", "mpi-ring/mpi-ring.vse.yaml");
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        var id = deployed.Stdout.Trim();
        try
        {
            var run = await workspace.RunAsync("exec", id + "/0", "--", "mpirun", "--hostfile", "/etc/vse/hostfile", "--map-by", "slot", "/usr/local/bin/mpi-ring");
            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
            MpiRingOutput.AssertRanOnEveryInstance(run.Stdout, 4, "apps-mpi-ring");
            Assert.DoesNotContain("scratch:", run.Stdout);
        }
        finally
        {
            Assert.Equal(0, (await workspace.RunAsync("cleanup", id)).ExitCode);
        }
    }

    [SkippableFact]
    public async Task Every_rank_writes_a_file_into_the_shared_scratch_and_reads_another_instances_back()
    {
        Requirements.Root();
        Requirements.Tool("mmdebstrap");
        var workspace = examples.Workspace;
        // The site's scratch directory on the host, as a cluster's file system would provide it.
        var made = !Directory.Exists(HostScratch);
        Directory.CreateDirectory(HostScratch);
        var written = Enumerable.Range(0, 4).Select(rank => Path.Combine(HostScratch, $"rank-{rank}")).ToList();
        written.ForEach(File.Delete);
        try
        {
            var deployed = await workspace.RunAsync("deploy", "scratch/scratch.vse.yaml");
            Assert.True(deployed.ExitCode == 0, deployed.Stderr);
            var id = deployed.Stdout.Trim();
            try
            {
                var run = await workspace.RunAsync("exec", id + "/0", "--", "mpirun", "--hostfile", "/etc/vse/hostfile", "/usr/local/bin/mpi-ring");
                Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
                MpiRingOutput.AssertRanOnEveryInstance(run.Stdout, 4, "apps-scratch");
                Assert.Contains("scratch: 4 ranks wrote /scratch/rank-* and read the next rank's back: ok", run.Stdout);
                // The files are the host directory's: each written on its rank's instance.
                for (var rank = 0; rank < 4; rank++)
                {
                    Assert.Equal($"rank {rank} on apps-scratch-{rank}\n", await File.ReadAllTextAsync(written[rank]));
                }
            }
            finally
            {
                Assert.Equal(0, (await workspace.RunAsync("cleanup", id)).ExitCode);
            }
        }
        finally
        {
            written.ForEach(File.Delete);
            if (made)
            {
                Directory.Delete(HostScratch);
            }
        }
    }

    [SkippableFact]
    public async Task A_scratch_directory_outside_the_sites_allowed_mounts_is_refused()
    {
        Requirements.Root();
        var workspace = examples.Workspace;
        workspace.Write("scratch/elsewhere.vse.yaml", """
            vse: 1
            name: apps/elsewhere
            extends: ./scratch.vse.yaml
            mounts:
              /scratch: {source: /var/tmp, mode: rw}
            """);

        var refused = await workspace.RunAsync("deploy", "scratch/elsewhere.vse.yaml");

        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("mount source '/var/tmp' for '/scratch' is not allowed by site policy", refused.Stderr);
    }
}
