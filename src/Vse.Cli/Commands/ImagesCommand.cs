using System.CommandLine;
using System.Globalization;
using Vse.Cli.Output;

namespace Vse.Cli.Commands;

/// <summary><c>vse images</c>: the built configurations.</summary>
internal static class ImagesCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var command = new Command("images", "List built configurations");
        command.SetAction(async (_, cancellationToken) =>
        {
            var workspace = await Workspace.OpenAsync(environment, cancellationToken);
            var configurations = await workspace.Configurations.ListAsync(cancellationToken);
            Table.Write(Console.Out, ["ID", "NAME", "TARGET", "LAYERS", "SIZE", "CREATED"], configurations.Select(c => (IReadOnlyList<string>)
            [
                c.Id, c.Name, c.Target ?? "-", c.LayerKeys.Count.ToString(CultureInfo.InvariantCulture), Sizes.Bytes(c.SizeBytes),
                c.CreatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
            ]));
            return ExitCodes.Success;
        });
        return command;
    }
}
