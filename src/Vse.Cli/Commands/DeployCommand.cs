using System.CommandLine;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Preparation;
using Vse.Description.Model;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse deploy FILE [--instances N] [--per-node K] [--driver D] [--target T] [--runtime R]</c>: build if needed,
/// start, print the id. The id is the only thing on stdout (progress goes to stderr), so
/// <c>dep=$(vse deploy …)</c> works in scripts.
/// </summary>
internal static class DeployCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var file = CommonOptions.File();
        var target = CommonOptions.Target();
        var options = new DeployOptions();
        var slurm = new Option<bool>("--slurm")
        {
            Description = "Inside a Slurm allocation (salloc): K (--per-node) instances on each of its nodes, started as a step; returns once all are ready",
        };
        var staging = SubmitCommand.StagingOption();
        var command = new Command("deploy", "Build the description if needed and start it as a deployment of isolated instances; prints the deployment id")
        {
            file, target, options.Instances, options.PerNode, options.Driver, options.Runtime, options.KeepPartial, slurm, staging,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(slurm))
            {
                return await SlurmDeploy.RunAsync(
                    environment, parse.GetValue(file)!, parse.GetValue(target), parse.GetValue(options.Instances), parse.GetValue(options.PerNode),
                    parse.GetValue(options.Driver), parse.GetValue(options.Runtime), parse.GetValue(staging), cancellationToken);
            }

            var (prepared, exitCode) = await PrepareAsync(environment, parse.GetValue(file)!, parse.GetValue(target), options.Request(parse), cancellationToken);
            if (prepared is null)
            {
                return exitCode;
            }

            var (configuration, model, workspace, driver, instances, perNode, mounts) = prepared;
            if (instances > perNode)
            {
                // One host, no resource manager: every instance runs here, as the nodes of a larger machine would.
                await Console.Error.WriteLineAsync(
                    $"vse: {instances} instances at {perNode} per node make {(instances + perNode - 1) / perNode} nodes' worth; this host runs them all (vse submit spreads them over Slurm nodes)");
            }

            var progress = new DeployProgressPrinter(Console.Error, interactive: !Console.IsErrorRedirected);
            DeployResult result;
            try
            {
                result = await workspace.Instances.DeployAsync(
                    configuration, model, new DeploymentPlan(instances, parse.GetValue(options.Runtime), parse.GetValue(options.KeepPartial), Driver: driver, GrantedMounts: mounts,
                        DescriptionPath: Path.GetFullPath(parse.GetValue(file)!), HostMpi: prepared.HostMpi), progress, cancellationToken);
            }
            finally
            {
                progress.Finish();
            }

            var (deployment, failures) = result;
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync($"vse: warning: {failure.Hostname} did not start: {failure.Reason}");
            }

            await Console.Error.WriteLineAsync(
                $"deployed {configuration.Name} as {deployment.Id}: {deployment.Instances.Count - failures.Count} instance(s) with {deployment.Record.Driver}"
                + (failures.Count > 0 ? $" ({failures.Count} failed and removed)" : ""));
            Console.Out.WriteLine(deployment.Id);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><see cref="DeploymentPreparer.PrepareAsync"/>, saying what it finds on stderr; the exit code of a refusal.</summary>
    public static async Task<(PreparedDeployment? Prepared, int ExitCode)> PrepareAsync(
        CliEnvironment environment, string file, string? target, DeployRequest request, CancellationToken cancellationToken,
        Func<RuntimeModel, CancellationToken, Task<DeployRequest>>? complete = null)
    {
        try
        {
            var (prepared, refusal) = await DeploymentPreparer.PrepareAsync(
                file, environment.ResolveOptions(target), request, ct => Workspace.OpenAsync(environment.Variables, ct),
                PreparationReports.ToStandardError(environment), cancellationToken, complete,
                buildElsewhere: ct => BuildInNamespaceAsync(environment, file, target, ct), resolveCache: environment.ResolveCache());
            return (prepared, prepared is null ? DiagnosticPrinter.ExitCodeFor(refusal) : ExitCodes.Success);
        }
        catch (BuildInNamespaceFailedException e)
        {
            // The build said why on stderr itself.
            return (null, e.ExitCode);
        }
    }

    // An ordinary user's first deploy of a configuration builds it as `vse build` does, in the
    // rootless build namespace; without one (root, or no subordinate ids) it is built here.
    private static async Task BuildInNamespaceAsync(CliEnvironment environment, string file, string? target, CancellationToken cancellationToken)
    {
        if (await BuildNamespaceEntry.BuildInsideAsync(environment, file, target, cancellationToken) is { } exitCode and not ExitCodes.Success)
        {
            throw new BuildInNamespaceFailedException(exitCode);
        }
    }

    private sealed class BuildInNamespaceFailedException(int exitCode) : Exception($"the build in the rootless build namespace exited with {exitCode}")
    {
        public int ExitCode { get; } = exitCode;
    }
}

/// <summary>The options of <c>deploy</c> that <c>run</c> takes too.</summary>
internal sealed class DeployOptions
{
    public DeployRequest Request(ParseResult parse) => new(parse.GetValue(Instances), parse.GetValue(PerNode), parse.GetValue(Driver));

    public Option<int?> Instances { get; } = new("--instances", "-n") { Description = "Number of instances (default: deploy.instances, else 1)" };

    public Option<int?> PerNode { get; } = new("--per-node") { Description = "Instances per node (default: deploy.per_node, else all); a local deployment runs every node's instances on this host" };

    public Option<string?> Driver { get; } = new("--driver") { Description = "sandbox (an OCI runtime) or vm (default: deploy.driver, else sandbox)" };

    public Option<bool> KeepPartial { get; } = new("--keep-partial") { Description = "When some instances fail to start, keep the others (default: remove the whole deployment)" };

    public Option<string?> Runtime { get; } = new("--runtime") { Description = "How sandbox instances start: the OCI runtime crun or runc (default: the first that works here), or vse-launch, the bulk launcher (one process starts them all; for hundreds of instances)" };
}
