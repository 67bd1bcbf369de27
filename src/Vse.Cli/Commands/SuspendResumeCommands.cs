using System.CommandLine;
using Vse.Deploy;

namespace Vse.Cli.Commands;

/// <summary><c>vse suspend DEP</c> and <c>vse resume DEP</c>: freeze and thaw every instance of a deployment.</summary>
internal static class SuspendResumeCommands
{
    public static Command Suspend(CliEnvironment environment) => Create(environment, "suspend", "Freeze every instance of a deployment (memory kept, processes stopped)", suspend: true);

    public static Command Resume(CliEnvironment environment) => Create(environment, "resume", "Thaw a suspended deployment", suspend: false);

    private static Command Create(CliEnvironment environment, string name, string description, bool suspend)
    {
        var reference = new Argument<string>("DEP") { Description = "A deployment id (or unique prefix, or name)" };
        var command = new Command(name, description) { reference };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var deployment = await workspace.Deployments.GetAsync(parse.GetValue(reference)!, cancellationToken);
            await (suspend ? workspace.Instances.SuspendAsync(deployment, cancellationToken) : workspace.Instances.ResumeAsync(deployment, cancellationToken));
            Console.Out.WriteLine($"{(suspend ? "suspended" : "resumed")} {deployment.Id} ({deployment.Instances.Count} instance(s))");
            return ExitCodes.Success;
        });
        return command;
    }
}
