namespace Vse.Build.Tests.Support;

/// <summary>A snapshot of a host file, to prove that an operation on an image left it alone.</summary>
internal sealed record HostFile(string Path, bool Exists, string Content, DateTime ModifiedUtc)
{
    public static HostFile Capture(string path) =>
        File.Exists(path)
            ? new HostFile(path, true, File.ReadAllText(path), File.GetLastWriteTimeUtc(path))
            : new HostFile(path, false, "", default);
}
