using System.CommandLine;
using Vse.Build.Locks;
using Vse.Deploy;

namespace Vse.Cli.Commands;

/// <summary><c>vse diff A B</c>: compare two environments' lock files (configurations or lock.json files).</summary>
internal static class DiffCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var first = new Argument<string>("A") { Description = "A configuration (id, name or digest) or a lock.json file" };
        var second = new Argument<string>("B") { Description = "The configuration or lock.json file to compare it with" };
        var command = new Command("diff", "Compare the lock files of two built environments: description, base, layers, package versions, policy") { first, second };
        command.SetAction(async (parse, cancellationToken) =>
        {
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
