using System.CommandLine;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Description;
using Vse.Description.Model;
using Vse.State.Deployments;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse deploy FILE [--instances N] [--driver D] [--target T] [--runtime R]</c>: build if needed,
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
        var command = new Command("deploy", "Build the description if needed and start it as a deployment of isolated instances; prints the deployment id")
        {
            file, target, options.Instances, options.Driver, options.Runtime,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (started, exitCode) = await StartAsync(environment, parse.GetValue(file)!, parse.GetValue(target), options, parse, cancellationToken);
            if (started is not null)
            {
                Console.Out.WriteLine(started.Deployment.Id);
            }

            return exitCode;
        });
        return command;
    }

    /// <summary>Resolve, re-check site policy for deployment, build, start: shared by <c>deploy</c> and <c>run</c>.</summary>
    public static async Task<(StartedDeployment? Started, int ExitCode)> StartAsync(
        CliEnvironment environment, string file, string? target, DeployOptions options, ParseResult parse, CancellationToken cancellationToken)
    {
        var resolveOptions = environment.ResolveOptions(target);
        var result = DescriptionResolver.Resolve(file, resolveOptions);
        DiagnosticPrinter.Print(result.Diagnostics, environment, Console.Error);
        if (result.Description is not { } resolved)
        {
            return (null, DiagnosticPrinter.ExitCodeFor(result.Diagnostics));
        }

        var deploy = resolved.Content["deploy"] as MapValue;
        var driver = parse.GetValue(options.Driver) ?? (deploy?["driver"] as ScalarValue)?.AsString ?? "sandbox";
        var policy = DeployPolicy.Recheck(resolved, resolveOptions.SearchPath.SiteDirectory, driver);
        DiagnosticPrinter.Print(policy, environment, Console.Error);
        if (policy.Any(d => d.IsError))
        {
            return (null, DiagnosticPrinter.ExitCodeFor(policy));
        }

        if (driver != "sandbox")
        {
            await Console.Error.WriteLineAsync($"vse: error: the '{driver}' driver is not available yet; this vse runs instances with the 'sandbox' driver");
            return (null, ExitCodes.InfrastructureFailure);
        }

        var instances = parse.GetValue(options.Instances) ?? (int?)(deploy?["instances"] as ScalarValue)?.AsInteger ?? 1;
        var workspace = await Workspace.OpenAsync(environment, cancellationToken);
        var (configuration, _) = await Configurations.BuildAsync(workspace, resolved, noCache: false, verbose: false, Console.Error, cancellationToken);
        var deployment = await workspace.Sandboxes.DeployAsync(configuration, instances, parse.GetValue(options.Runtime), cancellationToken);
        await Console.Error.WriteLineAsync($"deployed {configuration.Name} as {deployment.Id}: {deployment.Instances.Count} instance(s) with {deployment.Record.Driver}");
        return (new StartedDeployment(deployment, resolved, workspace), ExitCodes.Success);
    }
}

/// <summary>A deployment just started, with the description it came from and the workspace that holds it.</summary>
internal sealed record StartedDeployment(Deployment Deployment, ResolvedDescription Description, Workspace Workspace);

/// <summary>The options of <c>deploy</c> that <c>run</c> takes too.</summary>
internal sealed class DeployOptions
{
    public Option<int?> Instances { get; } = new("--instances", "-n") { Description = "Number of instances (default: deploy.instances, else 1)" };

    public Option<string?> Driver { get; } = new("--driver") { Description = "sandbox (an OCI runtime) or vm (default: deploy.driver, else sandbox)" };

    public Option<string?> Runtime { get; } = new("--runtime") { Description = "The OCI runtime for the sandbox driver: crun or runc (default: the first that works here)" };
}
