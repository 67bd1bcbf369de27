using System.CommandLine;
using System.Text.RegularExpressions;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Online;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse cp SRC DEST</c>: one of the two is <c>DEP[/INDEX]:PATH</c>, a path in an instance; the
/// other a host path (docs/online.md).
/// </summary>
internal static partial class CopyCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var source = new Argument<string>("SRC") { Description = "A host path, or DEP[/INDEX]:PATH in an instance" };
        var destination = new Argument<string>("DEST") { Description = "DEP[/INDEX]:PATH in an instance, or a host path (a directory: copied into it)" };
        var command = new Command("cp", "Copy a file or tree between the host and an instance (one side DEP[/INDEX]:PATH); modes kept, symlinks copied as links and never followed out of the instance")
        {
            source, destination,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var from = InInstance(parse.GetValue(source)!);
            var to = InInstance(parse.GetValue(destination)!);
            if ((from is null) == (to is null))
            {
                throw new UsageException("cp copies between the host and an instance: exactly one of SRC and DEST is DEP[/INDEX]:PATH (a host path with a colon: write ./PATH)");
            }

            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var copier = new InstanceCopier(workspace.Instances);
            var (reference, path) = from ?? to!.Value;
            var (deployment, instance) = await InstanceReference.OneAsync(workspace, reference, cancellationToken);
            if (from is null)
            {
                await copier.CopyInAsync(deployment, instance.Index, parse.GetValue(source)!, path, cancellationToken);
            }
            else
            {
                await copier.CopyOutAsync(deployment, instance.Index, path, parse.GetValue(destination)!, cancellationToken);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>DEP[/INDEX]:PATH</c> as (DEP[/INDEX], PATH); null for a host path.</summary>
    internal static (string Instance, string Path)? InInstance(string argument)
    {
        var match = InstancePathPattern().Match(argument);
        return match.Success ? (match.Groups[1].Value, match.Groups[2].Value) : null;
    }

    [GeneratedRegex(@"^([A-Za-z0-9][A-Za-z0-9._-]*(?:/[0-9]+)?):(.+)$", RegexOptions.Singleline)]
    private static partial Regex InstancePathPattern();
}
