using System.Text;
using Vse.Build.Exports;
using Vse.Host.Processes;

namespace Vse.Build.Registry;

/// <summary>
/// Writes a <see cref="LayerDiff"/> as an OCI layer tar: a whiteout (<c>.wh.NAME</c>, an empty
/// file) for every removed path first, then the changed nodes as the <c>tar</c> export records
/// them (GNU tar, the same options). The whiteouts are staged as empty files dated at the epoch,
/// so the same diff always gives the same bytes and a second push finds the blob already there.
/// </summary>
internal static class DiffLayerWriter
{
    public static async Task WriteAsync(LayerDiff diff, string rootfs, string output, string workDirectory, CancellationToken cancellationToken)
    {
        var tar = ExternalTool.Require("tar", "tar");
        var whiteouts = Path.Combine(workDirectory, "whiteouts");
        Directory.CreateDirectory(whiteouts);
        var whiteoutNames = new List<string>();
        foreach (var removed in diff.Removed)
        {
            var directory = Path.GetDirectoryName(removed) ?? "";
            var name = Path.Combine(directory, ".wh." + Path.GetFileName(removed));
            Directory.CreateDirectory(Path.Combine(whiteouts, directory));
            var file = Path.Combine(whiteouts, name);
            await File.WriteAllBytesAsync(file, [], cancellationToken);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.SetLastWriteTimeUtc(file, DateTime.UnixEpoch);
            whiteoutNames.Add(name);
        }

        var whiteoutList = Path.Combine(workDirectory, "whiteouts.list");
        var changedList = Path.Combine(workDirectory, "changed.list");
        await File.WriteAllTextAsync(whiteoutList, NullSeparated(whiteoutNames), cancellationToken);
        await File.WriteAllTextAsync(changedList, NullSeparated(diff.Changed), cancellationToken);
        await ExternalTool.RunAsync(
            tar,
            [
                "--create", "--file", output, .. TarExport.ArchiveOptions,

                // The lists name every node to archive, one by one, NUL-separated: a name may hold
                // a newline or start with '-', and a listed directory must not bring its whole tree.
                "--null", "--verbatim-files-from", "--no-recursion",
                "--directory", whiteouts, "--files-from", whiteoutList,
                "--directory", rootfs, "--files-from", changedList,
            ],
            cancellationToken,
            environment: ToolEnvironment.CLocale);
    }

    private static string NullSeparated(IEnumerable<string> relativePaths)
    {
        var text = new StringBuilder();
        foreach (var path in relativePaths)
        {
            text.Append("./").Append(path).Append('\0');
        }

        return text.ToString();
    }
}
