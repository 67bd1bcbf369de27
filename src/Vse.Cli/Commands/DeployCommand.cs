using System.CommandLine;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Description;
using Vse.Description.Model;
using Vse.Runtime.Drivers;
using Vse.State.Configurations;

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
                    configuration, model, new DeploymentPlan(instances, parse.GetValue(options.Runtime), parse.GetValue(options.KeepPartial), Driver: driver, GrantedMounts: mounts), progress, cancellationToken);
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

    /// <summary>Resolve, re-check site policy for deployment, build: what <c>deploy</c> and <c>run</c> do before starting anything.</summary>
    /// <param name="complete">
    /// Called with the model before the policy check, to give the counts a command derives from it
    /// (vse submit: N x K instances, K per node) and to check them (its partition check); the build
    /// starts only after both.
    /// </param>
    public static async Task<(PreparedDeployment? Prepared, int ExitCode)> PrepareAsync(
        CliEnvironment environment, string file, string? target, DeployRequest request, CancellationToken cancellationToken,
        Func<RuntimeModel, CancellationToken, Task<DeployRequest>>? complete = null)
    {
        // Before anything else: a count beyond the built-in bound is refused at once, not after
        // resolving and building, and never reaches code that allocates per instance.
        foreach (var (option, value) in new[] { (request.InstancesOption, request.Instances), ("--per-node", request.PerNode) })
        {
            if (value is > DeploymentBounds.MaxInstances)
            {
                throw new UsageException($"{option}: {value} is above vse's limit of {DeploymentBounds.MaxInstances} instances in a deployment");
            }
        }

        var resolveOptions = environment.ResolveOptions(target);
        var result = DescriptionResolver.Resolve(file, resolveOptions);
        DiagnosticPrinter.Print(result.Diagnostics, environment, Console.Error);
        if (result.Description is not { } resolved)
        {
            return (null, DiagnosticPrinter.ExitCodeFor(result.Diagnostics));
        }

        // Read once here, then handed to the policy check, the build and the deployment.
        var model = RuntimeModel.From(resolved);
        if (complete is not null)
        {
            request = await complete(model, cancellationToken);
        }

        var driver = request.Driver ?? model.Deploy.Driver ?? "sandbox";
        var policy = DeployPolicy.Recheck(
            resolved, model, resolveOptions.SearchPath.SiteDirectory, driver, request.Instances, request.PerNode);
        DiagnosticPrinter.Print(policy, environment, Console.Error);
        if (policy.Any(d => d.IsError))
        {
            return (null, DiagnosticPrinter.ExitCodeFor(policy));
        }

        if (!DriverCatalog.IsDriverName(driver))
        {
            throw new UsageException($"--driver: '{driver}' is not a driver (sandbox or vm)");
        }

        var instances = request.Instances ?? model.Deploy.Instances ?? 1;
        var perNode = request.PerNode ?? model.Deploy.PerNode ?? instances;
        if (instances < 1 || perNode < 1)
        {
            throw new UsageException($"{request.InstancesOption} and --per-node must be at least 1");
        }

        var workspace = await Workspace.OpenAsync(environment, cancellationToken);
        var (configuration, _) = await Configurations.BuildAsync(workspace, resolved, model, noCache: false, verbose: false, Console.Error, cancellationToken);
        // Checked again now, after the build, on the paths the instances will mount: a directory
        // swapped for a symlink while the build ran is caught here or, later still, by the driver.
        var grant = DeployPolicy.GrantMounts(resolved, model, resolveOptions.SearchPath.SiteDirectory, driver);
        DiagnosticPrinter.Print(grant.Diagnostics, environment, Console.Error);
        if (!grant.Allowed)
        {
            return (null, DiagnosticPrinter.ExitCodeFor(grant.Diagnostics));
        }

        return (new PreparedDeployment(configuration, model, workspace, driver, instances, perNode, grant.Mounts), ExitCodes.Success);
    }
}

/// <summary>A configuration built and cleared by policy for deployment, with the model of the description it came from.</summary>
internal sealed record PreparedDeployment(
    ConfigurationRecord Configuration, RuntimeModel Model, Workspace Workspace, string Driver, int Instances, int PerNode,
    IReadOnlyList<InstanceMount> GrantedMounts);

/// <summary>What a command asks <see cref="DeployCommand.PrepareAsync"/> for; null values come from the description.</summary>
/// <param name="InstancesOption">The option that set <paramref name="Instances"/>, for messages (<c>submit</c> computes it from <c>--nodes</c>).</param>
internal sealed record DeployRequest(int? Instances, int? PerNode, string? Driver, string InstancesOption = "--instances");

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
