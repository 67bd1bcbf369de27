using Vse.Deploy.Preparation;
using Vse.Deploy.Slurm;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse deploy --slurm FILE</c> inside an existing allocation: the deployment of <c>vse submit</c>
/// on the allocation's N nodes, K instances each, as a step of it (<see cref="AllocationStep"/>);
/// prints each node's instances and the deployment id once all are ready (docs/slurm.md).
/// </summary>
internal static class SlurmDeploy
{
    public static async Task<int> RunAsync(
        CliEnvironment environment, string file, string? target, int? instances, int? perNode, string? driver, string? runtime, StagingMode staging,
        CancellationToken cancellationToken)
    {
        var (jobId, nodes) = await AllocationStep.FindAsync(environment.Variables, cancellationToken);
        var (prepared, exitCode) = await DeployCommand.PrepareAsync(
            environment, file, target, new DeployRequest(null, perNode, driver), cancellationToken,
            (model, _) =>
            {
                var k = SlurmShape.Of(nodes, perNode, model.Deploy with { Instances = instances ?? model.Deploy.Instances }).PerNode;
                return Task.FromResult(new DeployRequest(nodes * k, k, driver, "the allocation's nodes x --per-node"));
            });
        if (prepared is null)
        {
            return exitCode;
        }

        IReadOnlyList<NodeShareRecord> started;
        SlurmJob job;
        // Against vse gc, until the job directory names the job (StartAsync records the allocation's id).
        await using (await BroadcastExport.LockAsync(prepared.Workspace.Home.Root, exclusive: false, cancellationToken))
        {
            JobDirectory directory;
            (job, directory) = await SubmitCommand.WriteJobAsync(
                environment, prepared, nodes, prepared.PerNode, [], runtime, staging, inAllocation: true, cancellationToken);
            started = await AllocationStep.StartAsync(job, directory, jobId, cancellationToken);
        }

        foreach (var node in started)
        {
            await Console.Error.WriteLineAsync($"vse: {node.Node}: instances {string.Join(", ", node.Hostnames)} (image staged by {node.Staging})");
        }

        await Console.Error.WriteLineAsync(
            $"deployed {prepared.Configuration.Name} as {job.DeploymentId} in Slurm job {jobId}: {nodes} node(s) x {job.PerNode} instance(s) with {job.Driver}");
        Console.Out.WriteLine(job.DeploymentId);
        return ExitCodes.Success;
    }
}
