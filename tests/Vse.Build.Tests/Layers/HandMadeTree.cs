using Vse.Host.FileSystem;

namespace Vse.Build.Tests.Layers;

/// <summary>Writes trees as overlayfs leaves them, for tests that read or apply an upper directory made by hand.</summary>
internal static class HandMadeTree
{
    public static void Write(string root, string relative, string content)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    /// <summary>A whiteout, as overlayfs records a deletion: a character device 0/0 (root only).</summary>
    public static void Whiteout(string root, string relative)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        Assert.Equal(0, NodeOperations.CreateSpecialNode(path, NodeType.CharacterDevice, UnixFileMode.None, 0, 0));
    }
}
