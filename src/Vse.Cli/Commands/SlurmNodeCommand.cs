using System.CommandLine;
using System.Runtime.InteropServices;
using Vse.Deploy.Slurm;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse slurm-node JOBDIR</c>: one node's share of a deployment across Slurm nodes, started by
/// the batch script of <c>vse submit</c> with srun, one per node (<see cref="NodeShare"/>). Hidden:
/// nobody runs it by hand. It handles SIGTERM itself (not through System.CommandLine, which gives a
/// command 2 s and then exits under it): Slurm sends SIGTERM on scancel and at the time limit and
/// SIGKILL only KillWait seconds later, and the instances must be removed in between.
/// </summary>
internal static class SlurmNodeCommand
{
    public const string Name = "slurm-node";

    public static Command Create(CliEnvironment environment)
    {
        var jobDirectory = new Argument<string>("JOBDIR") { Description = "The deployment's job directory (written by vse submit)" };
        var command = new Command(Name, "Start this node's share of a deployment across Slurm nodes (run by vse submit's batch script)") { jobDirectory };
        command.Hidden = true;
        command.SetAction(async (parse, _) =>
        {
            var context = SlurmJobContext.FromEnvironment(environment.Variables);
            var home = NodeShare.NodeHome(environment.Variables, context.Node);
            using var stop = new CancellationTokenSource();
            void Stop(PosixSignalContext signal)
            {
                signal.Cancel = true;
                // Cancelled before the line is written: the command's end, which the same signal may
                // cause, is judged by this token (NodeShare.SignalGrace).
                stop.Cancel();
                Console.Error.WriteLine($"vse: {context.Node}: {signal.Signal}: removing this node's instances");
            }

            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
            var share = new NodeShare(new JobDirectory(Path.GetFullPath(parse.GetValue(jobDirectory)!)), home, context);
            return await share.RunAsync(
                leftover => Console.Error.WriteLine($"vse: {context.Node}: removed {leftover}, left by a job that has ended"),
                failure => Console.Error.WriteLine($"vse: {context.Node}: {failure}"),
                stop.Token);
        });
        return command;
    }
}
