using System.Globalization;
using Vse.Description.Model;
using Vse.Runtime.Drivers;
using Vse.State;
using Vse.State.Configurations;
using Vse.State.Deployments;

namespace Vse.Deploy.Slurm;

/// <summary>
/// One node's share of a deployment across Slurm nodes (<c>vse slurm-node</c>, one per node under
/// srun): removes what ended jobs left on this node, stages the image, starts this node's K
/// instances in a node-local data directory, reports them ready in the job directory, and then
///   - on the node of rank 0: waits until every node is ready, puts the whole deployment's hostfile
///     in instance 0, runs the command there, records its output and exit code, and marks the job done;
///   - on the others: waits until the job is done, or has ended in Slurm's eyes (cancelled, timed
///     out, a node lost).
/// Its instances are removed in every case: when the work is done, when the token is cancelled
/// (SIGTERM from scancel or the time limit), when something fails, in whatever phase: the marker
/// <c>slurm-jobs/LOCAL-ID</c> is written as soon as the local deployment's records exist, before any
/// of its instances or its network, and removed only after the deployment is; a removal that a
/// second signal of Slurm's breaks is tried again (<see cref="StoppedShareRemoval"/>). What a SIGKILL
/// leaves is removed by the next share on the same node (<see cref="ReapAsync"/>).
/// </summary>
public sealed class NodeShare(JobDirectory directory, VseHome home, SlurmJobContext context)
{
    /// <summary>How often waits look at the job directory again.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a waiting node asks slurmctld whether the job still runs.</summary>
    private static readonly TimeSpan JobCheckInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a command that a signal ended is given for Slurm's SIGTERM to reach this process
    /// too. Slurm signals every process of the step at once: the runtime's exec forwards it to the
    /// command, which may end, and be waited for, before this process's own handler has run.
    /// </summary>
    internal static readonly TimeSpan SignalGrace = TimeSpan.FromSeconds(2);

    public const string NodeHomeVariable = "VSE_NODE_HOME";

    public const string NodeHomeDefault = "/tmp/vse-node";

    /// <summary>
    /// The node-local data directory: <c>$VSE_NODE_HOME/NODE</c> (default <c>/tmp/vse-node/NODE</c>).
    /// Per node name, so that nodes sharing a file system (the testbed's, or a shared /tmp) keep apart.
    /// </summary>
    public static VseHome NodeHome(IReadOnlyDictionary<string, string> variables, string node) =>
        new(Path.Combine(NodeHomeRoot(variables), node));

    /// <summary>The root of the nodes' data directories: <c>VSE_NODE_HOME</c> (which sbatch passes on to the job), else its default.</summary>
    public static string NodeHomeRoot(IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return variables.TryGetValue(NodeHomeVariable, out var value) && value.Length > 0 ? Path.GetFullPath(value) : NodeHomeDefault;
    }

    /// <summary>Markers of the local deployments this node runs for Slurm jobs: file LOCAL-ID holding the job id.</summary>
    private string Markers => Path.Combine(home.Root, "slurm-jobs");

    /// <returns>On rank 0 the command's exit code; elsewhere 0; 4 when this share failed or was stopped.</returns>
    /// <param name="reaped">Told each leftover deployment of an ended job that was removed.</param>
    /// <param name="removalFailed">Told each attempt at removing this share's deployment that failed and is tried again.</param>
    public async Task<int> RunAsync(Action<string>? reaped, Action<string>? removalFailed, CancellationToken stop)
    {
        home.EnsureCreated(stop);
        var database = await StateDatabase.OpenAsync(home.Database, stop);
        var deployments = new DeploymentStore(database, home);
        var manager = new DeploymentManager(home, deployments);
        string? localId = null;
        SlurmJob? job = null;
        try
        {
            await ReapAsync(deployments, manager, reaped, stop);
            job = await directory.ReadJobAsync(stop);
            var (route, configuration) = await ImageStaging.StageAsync(job, home, context.Node, stop);
            await new ConfigurationStore(database).UpsertAsync(configuration, stop);
            var model = RuntimeModel.FromCanonicalJson(configuration.DescriptionJson);
            var span = await SlurmNetworkSpan.OfAsync(job, model, context, directory, stop);
            var plan = new DeploymentPlan(job.PerNode, job.Runtime, Driver: job.Driver, GrantedMounts: job.GrantedMounts, FirstHostIndex: context.Rank * job.PerNode, Span: span);
            var deployed = await manager.DeployAsync(configuration, model, plan, null, async id =>
            {
                // Known (and marked) before anything of it runs, so that every end below removes it.
                localId = id;
                await MarkAsync(id);
            }, stop);
            await directory.WriteNodeAsync(
                new NodeShareRecord(context.Node, context.Rank, deployed.Deployment.Id, home.Root, [.. deployed.Deployment.Instances.Select(i => i.Hostname)], route, span?.Overlay.Local.ToString()), stop);
            await JobDirectory.WriteAtomicallyAsync(directory.NodeReady(context.Node), "", stop);
            if (context.Rank != 0)
            {
                await WaitUntilDoneAsync(stop);
                return 0;
            }

            return await LeadAsync(job, manager, await deployments.GetAsync(deployed.Deployment.Id, stop), hostfileBound: span is not null, stop);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
        {
            var reason = e.Message.ReplaceLineEndings(" ");
            await JobDirectory.WriteAtomicallyAsync(directory.NodeFailed(context.Node), reason + "\n", CancellationToken.None);
            if (context.Rank == 0)
            {
                await EndAsync($"node {context.Node}: {reason}\n", null);
            }

            throw;
        }
        finally
        {
            if (localId is { } recorded)
            {
                await StoppedShareRemoval.RunAsync(
                    () => RemoveAsync(deployments, manager, recorded),
                    (attempt, e) => removalFailed?.Invoke($"removing {recorded} failed (attempt {attempt} of {StoppedShareRemoval.Attempts}), trying again: {e.Message.ReplaceLineEndings(" ")}"));
            }

            if (job is not null)
            {
                ImageStaging.Discard(job);
            }
        }
    }

    /// <summary>
    /// Records that the local deployment <paramref name="localId"/> belongs to this job: written in
    /// full even when the stop signal comes meanwhile, as the deployment's records already exist.
    /// </summary>
    private async Task MarkAsync(string localId)
    {
        Directory.CreateDirectory(Markers);
        await File.WriteAllTextAsync(Path.Combine(Markers, localId), context.JobId.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
    }

    /// <summary>
    /// Removes the local deployment (unless a failed deploy removed it already), then its marker:
    /// never on Slurm's stop token, as the removal must finish before SIGKILL.
    /// </summary>
    private async Task RemoveAsync(DeploymentStore deployments, DeploymentManager manager, string localId)
    {
        if (await deployments.FindAsync(localId, CancellationToken.None) is not null)
        {
            await manager.CleanupAsync(localId, CancellationToken.None);
        }

        File.Delete(Path.Combine(Markers, localId));
    }

    /// <summary>Rank 0: once every node is ready, the command on instance 0 with the whole deployment's hostfile.</summary>
    /// <param name="hostfileBound">The private network across nodes binds the whole deployment's hostfile into every instance already.</param>
    private async Task<int> LeadAsync(SlurmJob job, DeploymentManager manager, Deployment local, bool hostfileBound, CancellationToken stop)
    {
        await WaitUntilAllReadyAsync(job.Nodes, stop);
        // Instance 0 gets the hostfile of all instances on all nodes, where a one-host private network puts it.
        if (!hostfileBound)
        {
            using var hostfile = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(job.Hostfile()));
            var installed = await manager.ExecAsync(
                local, 0, new ExecRequest(["/bin/sh", "-c", "mkdir -p /etc/vse && cat > /etc/vse/hostfile"], Stdin: hostfile, Stdout: Stream.Null, Stderr: Stream.Null), stop);
            if (installed != 0)
            {
                throw new InvalidOperationException($"writing /etc/vse/hostfile in instance 0 failed with exit code {installed} (the image needs /bin/sh, mkdir and cat)");
            }
        }

        if (job.Command.Count == 0)
        {
            // vse deploy --slurm: no command; the instances run until vse cleanup marks the job done.
            await WaitUntilDoneAsync(stop);
            return 0;
        }

        int exitCode;
        await using (var output = File.Create(directory.Output))
        await using (var error = File.Create(directory.Error))
        {
            exitCode = await manager.ExecAsync(local, 0, new ExecRequest(job.Command, Stdout: output, Stderr: error), stop);
        }

        if (EndedBySignal(exitCode) && !stop.IsCancellationRequested)
        {
            // Killed, perhaps by the same SIGTERM that is on its way to this process (scancel, the
            // time limit): a stopped command must not be recorded as one that finished.
            try
            {
                await Task.Delay(SignalGrace, stop);
            }
            catch (OperationCanceledException)
            {
                // The signal came: judged just below.
            }
        }

        if (stop.IsCancellationRequested)
        {
            // Slurm's SIGTERM reached the command too: it was stopped, it did not finish.
            await EndAsync($"node {context.Node}: stopped by Slurm (scancel, time limit or a lost node) while the command ran\n", null);
            stop.ThrowIfCancellationRequested();
        }

        await EndAsync(null, exitCode);
        return exitCode;
    }

    /// <summary>An exit status that says a signal ended the command: 128 + its number, as runtimes report it.</summary>
    internal static bool EndedBySignal(int exitCode) => exitCode is > 128 and <= 128 + 64;

    /// <summary>Records how the job ended (the error, then the exit code if the command ran) and marks it done for every node.</summary>
    private async Task EndAsync(string? error, int? exitCode)
    {
        if (error is not null)
        {
            await File.AppendAllTextAsync(directory.Error, error, CancellationToken.None);
        }

        if (exitCode is { } code)
        {
            await JobDirectory.WriteAtomicallyAsync(directory.ExitCode, code.ToString(CultureInfo.InvariantCulture) + "\n", CancellationToken.None);
        }

        await JobDirectory.WriteAtomicallyAsync(directory.Done, "", CancellationToken.None);
    }

    private async Task WaitUntilAllReadyAsync(int nodes, CancellationToken stop)
    {
        while (true)
        {
            if (Directory.GetFiles(directory.Nodes, "*.failed") is { Length: > 0 } failed)
            {
                var node = Path.GetFileNameWithoutExtension(failed[0]);
                throw new InvalidOperationException($"node {node} did not start its instances: {(await File.ReadAllTextAsync(failed[0], stop)).Trim()}");
            }

            if (Directory.GetFiles(directory.Nodes, "*.ready").Length >= nodes)
            {
                return;
            }

            await Task.Delay(PollInterval, stop);
        }
    }

    /// <summary>Until rank 0 marks the job done, or Slurm says the job has ended (then no one will).</summary>
    private async Task WaitUntilDoneAsync(CancellationToken stop)
    {
        var nextCheck = DateTimeOffset.UtcNow + JobCheckInterval;
        while (!File.Exists(directory.Done))
        {
            if (DateTimeOffset.UtcNow >= nextCheck)
            {
                if (!SlurmQueue.IsLive(await SlurmQueue.StateAsync(context.JobId, stop)))
                {
                    return;
                }

                nextCheck = DateTimeOffset.UtcNow + JobCheckInterval;
            }

            await Task.Delay(PollInterval, stop);
        }
    }

    /// <summary>
    /// Removes the local deployments of jobs that have ended: what a share killed by SIGKILL (after
    /// KillWait), or cut off with its slurmd, left on this node.
    /// </summary>
    private async Task ReapAsync(DeploymentStore deployments, DeploymentManager manager, Action<string>? reaped, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Markers))
        {
            return;
        }

        foreach (var marker in Directory.GetFiles(Markers))
        {
            var localId = Path.GetFileName(marker);
            if (!long.TryParse(File.ReadAllText(marker).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var jobId)
                || jobId == context.JobId || SlurmQueue.IsLive(await SlurmQueue.StateAsync(jobId, cancellationToken)))
            {
                continue;
            }

            if (await deployments.FindAsync(localId, cancellationToken) is not null)
            {
                await manager.CleanupAsync(localId, cancellationToken);
                reaped?.Invoke($"{localId} (job {jobId})");
            }

            File.Delete(marker);
        }
    }
}
