using System.CommandLine;
using Vse.Build.Locks;
using Vse.Cli.Output;
using Vse.Deploy;
using Vse.Deploy.Online;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse diff A B</c>: compare two environments' lock files (configurations or lock.json files);
/// <c>vse diff DEP[/INDEX] [--json]</c>: what changed in a running instance against its configuration (docs/online.md).
/// </summary>
internal static class DiffCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var first = new Argument<string>("A") { Description = "A configuration (id, name or digest) or a lock.json file; alone, an instance DEP[/INDEX]" };
        var second = new Argument<string?>("B") { Arity = ArgumentArity.ZeroOrOne, Description = "The configuration or lock.json file to compare it with" };
        var json = new Option<bool>("--json") { Description = "An instance's changes as JSON" };
        var command = new Command("diff", "Compare the lock files of two built environments (description, base, layers, package versions, policy), or, given one instance DEP[/INDEX], show what changed in it: files added, changed, deleted and packages") { first, second, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(second) is null)
            {
                return await InstanceAsync(environment, parse.GetValue(first)!, parse.GetValue(json), cancellationToken);
            }

            if (parse.GetValue(json))
            {
                throw new UsageException("diff --json shows an instance's changes: give one DEP[/INDEX]");
            }

            var a = await LoadAsync(parse.GetValue(first)!, environment, cancellationToken);
            var b = await LoadAsync(parse.GetValue(second)!, environment, cancellationToken);
            var difference = LockDifference.Between(a, b);
            var output = Console.Out;
            output.WriteLine($"description  {(difference.SameDescription ? "same" : $"{a.Description} -> {b.Description}")}");
            output.WriteLine($"base         {(difference.SameBase ? "same" : $"{a.Base} -> {b.Base}")}");
            output.WriteLine($"policy       {(difference.SamePolicy ? "same" : $"{a.Policy} -> {b.Policy}")}");
            output.WriteLine(difference.FirstDifferentLayer is { } layer
                ? $"layers       differ from step {layer}: {StepAt(a, layer)} / {StepAt(b, layer)}"
                : "layers       same");
            output.WriteLine(difference.AddedPackages.Count + difference.RemovedPackages.Count + difference.ChangedPackages.Count == 0 ? "packages     same" : "packages");
            foreach (var added in difference.AddedPackages)
            {
                output.WriteLine($"  + {added} {b.Packages[added]}");
            }

            foreach (var removed in difference.RemovedPackages)
            {
                output.WriteLine($"  - {removed} {a.Packages[removed]}");
            }

            foreach (var (package, from, to) in difference.ChangedPackages)
            {
                output.WriteLine($"  ~ {package} {from} -> {to}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task<int> InstanceAsync(CliEnvironment environment, string reference, bool json, CancellationToken cancellationToken)
    {
        var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
        var (deployment, instance) = await InstanceReference.OneAsync(workspace, reference, cancellationToken);
        var changes = await InstanceChanges.ReadAsync(workspace, deployment, instance, cancellationToken);
        if (json)
        {
            using var stdout = Console.OpenStandardOutput();
            InstanceChangesPrinter.WriteJson(stdout, deployment.Id, instance.Index, changes);
        }
        else
        {
            InstanceChangesPrinter.WriteTables(Console.Out, changes);
        }

        return ExitCodes.Success;
    }

    private static string StepAt(LockFile lockFile, int layer) => layer <= lockFile.Layers.Count ? lockFile.Layers[layer - 1].Step : "(none)";

    private static async Task<LockFile> LoadAsync(string reference, CliEnvironment environment, CancellationToken cancellationToken)
    {
        if (File.Exists(reference))
        {
            return LockFile.Parse(await File.ReadAllTextAsync(reference, cancellationToken));
        }

        var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
        return LockFile.Parse((await workspace.Configurations.GetAsync(reference, cancellationToken)).LockJson);
    }
}
