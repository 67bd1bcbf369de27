using System.CommandLine;
using System.Globalization;
using Vse.Build.Store;
using Vse.Cli.Output;
using Vse.Deploy;

namespace Vse.Cli.Commands;

/// <summary>
/// <c>vse images [--layers]</c>: the built configurations; LAYERS counts how many of their layers
/// the site store holds (<c>5 (3 site)</c>), and <c>--layers</c> lists every layer with the store it comes from.
/// </summary>
internal static class ImagesCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var layers = new Option<bool>("--layers") { Description = "List every layer of every configuration and where it lies: user (your store), site (the site store) or missing" };
        var command = new Command("images", "List built configurations") { layers };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var workspace = await Workspace.OpenAsync(environment.Variables, cancellationToken);
            var configurations = await workspace.Configurations.ListAsync(cancellationToken);
            if (parse.GetValue(layers))
            {
                Table.Write(Console.Out, ["ID", "NAME", "LAYER", "FROM", "STEP"], configurations.SelectMany(c => c.LayerKeys.Select(key => (IReadOnlyList<string>)
                [
                    c.Id, c.Name, key[..12], OriginOf(workspace.Layers, key), workspace.Layers.StoreOf(key).Get(key)?.Title ?? "-",
                ])));
            }
            else
            {
                Table.Write(Console.Out, ["ID", "NAME", "TARGET", "LAYERS", "SIZE", "CREATED"], configurations.Select(c => (IReadOnlyList<string>)
                [
                    c.Id, c.Name, c.Target ?? "-", LayerCount(workspace.Layers, c.LayerKeys), Sizes.Bytes(c.SizeBytes),
                    c.CreatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                ]));
            }

            // After the listing: a site layer is judged the first time it is looked up.
            foreach (var warning in workspace.Layers.Warnings)
            {
                PreparationReports.Warning(warning);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static string OriginOf(LayerChain chain, string key) => chain.Locate(key) switch
    {
        LayerOrigin.User => "user",
        LayerOrigin.Site => "site",
        _ => "missing",
    };

    private static string LayerCount(LayerChain chain, IReadOnlyList<string> keys)
    {
        var count = keys.Count.ToString(CultureInfo.InvariantCulture);
        var site = keys.Count(key => chain.Locate(key) == LayerOrigin.Site);
        return site == 0 ? count : $"{count} ({site.ToString(CultureInfo.InvariantCulture)} site)";
    }
}
