namespace Vse.Build.Archives;

/// <summary>A layer or archive is compressed in a format this build cannot read.</summary>
public sealed class UnsupportedCompressionException : IOException
{
    public UnsupportedCompressionException(string compression)
        : base($"the archive is {compression}-compressed, which vse cannot read; decompress it first or use gzip")
    {
        Compression = compression;
    }

    public string Compression { get; }
}
