namespace Vse.Runtime.Tests.Support;

/// <summary>A fresh directory for one test, removed with everything in it (links not followed).</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "vse-runtime-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
    }

    public string Path { get; }

    public string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
