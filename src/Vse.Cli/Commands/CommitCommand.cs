using System.CommandLine;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Online;
using Vse.Description;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse commit DEP[/INDEX] --as FILE</c>: write a description that extends the instance's own
/// and reproduces what changed in it (docs/online.md, "vse commit"). The file is then resolved as
/// any description is, site policy included: a refusal removes it again and exits as
/// <c>vse validate</c> would (3 for policy).
/// </summary>
internal static class CommitCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var target = new Argument<string>("DEP[/INDEX]") { Description = "A deployment id (or unique prefix, or name), optionally /INDEX (default: instance 0)" };
        var file = new Option<string>("--as") { Required = true, HelpName = "FILE", Description = "The description file to write (must not exist yet)" };
        var command = new Command("commit", "Write a description that extends the instance's own and reproduces what changed in it: packages added and removed, files steps, and a captured layer (FILE's name with .layer.tar) for binary or large files and other owners") { target, file };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = Path.GetFullPath(parse.GetValue(file)!);
            if (File.Exists(path) || Directory.Exists(path))
            {
                throw new UsageException($"{parse.GetValue(file)} exists; vse commit writes a new file");
            }

            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var (deployment, instance) = await InstanceReference.OneAsync(workspace, parse.GetValue(target)!, cancellationToken);
            var committed = await InstanceCommit.WriteAsync(workspace, deployment, instance, path, cancellationToken);
            var configuration = await workspace.Configurations.GetAsync(deployment.Record.ConfigurationId, cancellationToken);
            await File.WriteAllTextAsync(path, committed.Text, cancellationToken);
            var result = DescriptionResolver.Resolve(path, environment.ResolveOptions(configuration.Target));
            if (!result.Succeeded)
            {
                // Nothing that would be refused at build stays behind: a denied package is refused now.
                File.Delete(path);
                if (committed.LayerArchive is { } archive)
                {
                    File.Delete(archive);
                }
            }

            DiagnosticPrinter.Print(result.Diagnostics, environment, Console.Error);
            if (result.Succeeded)
            {
                var layer = committed.LayerArchive is { } written ? $" (and its captured layer {Path.GetFileName(written)})" : "";
                await Console.Error.WriteLineAsync($"vse: wrote {parse.GetValue(file)}{layer}: instance {deployment.Id}/{instance.Index}'s changes over {deployment.Record.DescriptionPath}");
            }

            return DiagnosticPrinter.ExitCodeFor(result.Diagnostics);
        });
        return command;
    }
}
