using System.Diagnostics;

namespace Vse.Cli.Tests.Faults;

/// <summary>
/// The short version of <c>scripts/soak.sh</c> (issue 15, item 5): 20 deploy/exec/cleanup cycles
/// of the real vse, after which what belongs to the soak (its processes and their descriptors,
/// mounts, network namespaces, cgroups, deployments, the state's size) is where it started. The
/// 1,000-cycle run is by hand (bench/RESULTS.md).
/// </summary>
[Collection(FaultInjectionCollection.Name)]
public sealed class SoakTests
{
    [SkippableFact]
    public async Task Twenty_deploy_exec_cleanup_cycles_leave_the_host_and_the_state_flat()
    {
        Requirements.Root();
        Requirements.Tool("ip");
        var start = new ProcessStartInfo(Path.Combine(Workspace.RepositoryRoot(), "scripts", "soak.sh")) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("20");
        start.ArgumentList.Add(VseProcess.Executable);
        start.Environment["SOAK_EVERY"] = "10";
        using var soak = Process.Start(start)!;
        var stdout = soak.StandardOutput.ReadToEndAsync();
        var stderr = soak.StandardError.ReadToEndAsync();
        await soak.WaitForExitAsync();

        var output = await stdout + await stderr;
        Assert.True(soak.ExitCode == 0, output);
        Assert.EndsWith("flat\n", await stdout);
        // Rows for the start, cycles 10 and 20: the script recorded, not merely ended.
        Assert.Matches(@"(?m)^ +20 ", output);
    }
}
