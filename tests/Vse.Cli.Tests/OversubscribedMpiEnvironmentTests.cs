using System.Globalization;

namespace Vse.Cli.Tests;

/// <summary>
/// A private-network deployment with more instances than this machine's cores gets MPI's
/// yield-when-idle settings in every instance, where an exec'd command (and so <c>mpirun</c>)
/// sees them; one that fits its cores gets none; a value the description sets wins.
/// </summary>
public sealed class OversubscribedMpiEnvironmentTests
{
    private const string Description = """
        vse: 1
        name: apps/oversubscribed
        os: {base: busybox}
        network: {mode: private, subnet: 10.78.0.0/16}
        env:
          MPIR_CVAR_POLLS_BEFORE_YIELD: "7"
        """;

    /// <param name="runtime">The OCI runtime the probe picks, or the bulk launcher.</param>
    [SkippableTheory]
    [InlineData(null)]
    [InlineData("vse-launch")]
    public async Task Instances_that_outnumber_the_cores_yield_when_idle_and_those_that_fit_do_not(string? runtime)
    {
        Requirements.Root();
        Requirements.Tool("ip");
        using var workspace = new Workspace();
        workspace.Write("oversubscribed.vse.yaml", Description);

        // vse counts the cores as this process sees them (no Slurm allocation here): one instance more is one too many.
        var crowded = await DeployAsync(workspace, Environment.ProcessorCount + 1, runtime);
        try
        {
            Assert.Equal("1", await VariableAsync(workspace, crowded + "/1", "OMPI_MCA_mpi_yield_when_idle"));
            Assert.Equal("7", await VariableAsync(workspace, crowded + "/0", "MPIR_CVAR_POLLS_BEFORE_YIELD"));
        }
        finally
        {
            Assert.Equal(0, (await workspace.RunAsync("cleanup", crowded)).ExitCode);
        }

        var alone = await DeployAsync(workspace, 1, runtime);
        try
        {
            Assert.Equal("unset", await VariableAsync(workspace, alone + "/0", "OMPI_MCA_mpi_yield_when_idle"));
            Assert.Equal("7", await VariableAsync(workspace, alone + "/0", "MPIR_CVAR_POLLS_BEFORE_YIELD"));
        }
        finally
        {
            Assert.Equal(0, (await workspace.RunAsync("cleanup", alone)).ExitCode);
        }
    }

    /// <summary>The variable's value in an exec'd command's environment, or <c>unset</c>.</summary>
    private static async Task<string> VariableAsync(Workspace workspace, string instance, string name)
    {
        var shown = await workspace.RunAsync("exec", instance, "--", "sh", "-c", $"echo \"${{{name}-unset}}\"");
        Assert.True(shown.ExitCode == 0, shown.Stderr);
        return shown.Stdout.TrimEnd('\n');
    }

    private static async Task<string> DeployAsync(Workspace workspace, int instances, string? runtime)
    {
        string[] arguments = ["deploy", "oversubscribed.vse.yaml", "--instances", instances.ToString(CultureInfo.InvariantCulture)];
        var deployed = await workspace.RunAsync(runtime is null ? arguments : [.. arguments, "--runtime", runtime]);
        Assert.True(deployed.ExitCode == 0, deployed.Stderr);
        return deployed.Stdout.Trim();
    }
}
