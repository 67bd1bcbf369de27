using System.Security.Cryptography;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Tests.Exports;

/// <summary>
/// Everything an export must keep about a tree, path by path, so a tree read back from an
/// export can be compared with the original in one assertion that names the first difference.
/// </summary>
internal sealed record TreeSnapshot(IReadOnlyDictionary<string, string> Entries, IReadOnlyList<string> HardLinkGroups)
{
    public static TreeSnapshot Take(string root)
    {
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var byInode = new Dictionary<ulong, List<string>>();
        Visit(root, ".", entries, byInode);
        var groups = byInode.Values
            .Where(names => names.Count > 1)
            .Select(names => string.Join(" = ", names.Order(StringComparer.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
        return new TreeSnapshot(entries, groups);
    }

    /// <summary>The tree as an archive export gives it back: times after <paramref name="epoch"/> clamped to it (ReproducibleTree).</summary>
    public TreeSnapshot WithTimesClampedTo(long epoch) => this with
    {
        Entries = Entries.ToDictionary(
            e => e.Key,
            e => System.Text.RegularExpressions.Regex.Replace(e.Value, @"mtime (\d+)", m => $"mtime {Math.Min(long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), epoch)}"),
            StringComparer.Ordinal),
    };

    /// <summary>Fails with the first path whose description differs, rather than two large dumps.</summary>
    public void AssertSameAs(TreeSnapshot expected)
    {
        foreach (var (path, description) in expected.Entries)
        {
            Assert.True(Entries.TryGetValue(path, out var actual), $"'{path}' is missing from the export");
            Assert.Equal($"{path}: {description}", $"{path}: {actual}");
        }

        Assert.Empty(Entries.Keys.Except(expected.Entries.Keys));
        Assert.Equal(expected.HardLinkGroups, HardLinkGroups);
    }

    private static void Visit(string root, string relative, IDictionary<string, string> entries, Dictionary<ulong, List<string>> byInode)
    {
        var path = relative == "." ? root : Path.Combine(root, relative);
        var status = Nodes.TryGetStatus(path) ?? throw new FileNotFoundException(path);
        var owner = $" {status.Uid}:{status.Gid}";
        var mode = Convert.ToString((int)status.Mode, 8).PadLeft(4, '0');
        var xattrs = string.Concat(Xattrs.List(path).Select(xattr => " " + xattr));
        entries[relative] = (status.Type switch
        {
            NodeType.Directory => $"dir {mode}{owner}",
            NodeType.Symlink => $"symlink -> {new FileInfo(path).LinkTarget}{owner}",
            NodeType.RegularFile => $"file {mode}{owner} {status.Size} bytes sha256:{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))} mtime {status.ModificationTime.ToUnixTimeSeconds()}",
            _ => $"{status.Type} {mode}{owner} {status.DeviceMajor}:{status.DeviceMinor}",
        }) + xattrs;

        if (status.Type == NodeType.RegularFile)
        {
            if (!byInode.TryGetValue(status.Inode, out var names))
            {
                byInode[status.Inode] = names = [];
            }

            names.Add(relative);
        }

        if (status.IsDirectory)
        {
            foreach (var child in Directory.EnumerateFileSystemEntries(path))
            {
                Visit(root, relative == "." ? Path.GetFileName(child) : Path.Combine(relative, Path.GetFileName(child)), entries, byInode);
            }
        }
    }
}
