using System.CommandLine;
using Vse.Deploy.Slurm;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse slurm-stage JOBDIR</c>: whether this node already holds or sees the deployment's image,
/// run on every node by the batch script before the broadcast (<see cref="ImageStaging.Probe"/>).
/// Exit 0: it does; <see cref="BatchScript.StageNeedsBroadcast"/>: it needs the broadcast, whose directory it has
/// made; anything else: it cannot stage (the reason in the job's error file). The batch script
/// runs sbcast when any node answered <see cref="BatchScript.StageNeedsBroadcast"/> (srun exits with the highest code). Hidden.
/// </summary>
internal static class SlurmStageCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var jobDirectory = new Argument<string>("JOBDIR") { Description = "The deployment's job directory (written by vse submit)" };
        var command = new Command("slurm-stage", "Tell whether this node needs the deployment's image broadcast (run by vse submit's batch script)") { jobDirectory };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var context = SlurmJobContext.FromEnvironment(environment.Variables);
            var directory = new JobDirectory(Path.GetFullPath(parse.GetValue(jobDirectory)!));
            var job = await directory.ReadJobAsync(cancellationToken);
            try
            {
                if (ImageStaging.Probe(job, NodeShare.NodeHome(environment.Variables, context.Node), context.Node) is not null)
                {
                    return ExitCodes.Success;
                }
            }
            catch (ImageStagingException e)
            {
                await File.AppendAllTextAsync(directory.Error, e.Message + "\n", cancellationToken);
                throw;
            }

            // sbcast writes into an existing directory only.
            Directory.CreateDirectory(Path.GetDirectoryName(job.Broadcast!.Destination)!);
            return BatchScript.StageNeedsBroadcast;
        });
        return command;
    }
}
