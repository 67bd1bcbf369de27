using System.Diagnostics;
using Vse.Cli.Output;
using Vse.Deploy.Slurm;
using Vse.Host.Processes;

namespace Vse.Cli.Commands;

/// <summary>
/// Runs the srun steps <see cref="SlurmRemoteExec"/> plans from the submit host: one with the
/// streams passed through, or one per node side by side with their lines kept whole.
/// </summary>
internal static class SlurmSteps
{
    /// <summary>One step, streams inherited (srun passes them to the instance and back); its exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> arguments, string nodeHome, CancellationToken cancellationToken)
    {
        using var srun = Process.Start(Start(arguments, nodeHome, redirect: false)) ?? throw new InvalidOperationException("srun did not start");
        await srun.WaitForExitAsync(cancellationToken);
        return srun.ExitCode;
    }

    /// <summary>
    /// One step per node at once; each output line goes out whole. A node's vse names the instance on
    /// each line when it runs several; for a node with one, the line gets its hostname here, so every
    /// line of a deployment of several instances says where it came from. The exit code is the worst.
    /// </summary>
    public static async Task<int> RunPerNodeAsync(
        SubmittedDeployment deployment, IReadOnlyList<(NodeShareRecord Node, IReadOnlyList<string> Arguments)> steps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        using var stdout = Console.OpenStandardOutput();
        using var stderr = Console.OpenStandardError();
        using var outLock = new SemaphoreSlim(1);
        using var errLock = new SemaphoreSlim(1);
        var codes = await Task.WhenAll(steps.Select(async step =>
        {
            var prefix = step.Node.Hostnames.Count == 1 && deployment.Job.Instances > 1 ? step.Node.Hostnames[0] + ": " : "";
            await using var output = new PrefixedLineStream(stdout, outLock, prefix);
            await using var errors = new PrefixedLineStream(stderr, errLock, prefix);
            using var srun = Process.Start(Start(step.Arguments, step.Node.Home, redirect: true)) ?? throw new InvalidOperationException("srun did not start");
            await Task.WhenAll(
                srun.StandardOutput.BaseStream.CopyToAsync(output, cancellationToken),
                srun.StandardError.BaseStream.CopyToAsync(errors, cancellationToken));
            await srun.WaitForExitAsync(cancellationToken);
            await output.FlushAsync(cancellationToken);
            await errors.FlushAsync(cancellationToken);
            return srun.ExitCode;
        }));
        return codes.Max();
    }

    private static ProcessStartInfo Start(IReadOnlyList<string> arguments, string nodeHome, bool redirect)
    {
        var start = new ProcessStartInfo(ExternalTool.Require("srun", "slurm-client"))
        {
            UseShellExecute = false, RedirectStandardOutput = redirect, RedirectStandardError = redirect,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The node's vse works on the node's data directory; srun exports its environment to the step.
        start.Environment["VSE_HOME"] = nodeHome;
        return start;
    }
}
