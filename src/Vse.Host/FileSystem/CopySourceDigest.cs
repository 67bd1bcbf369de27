using System.Security.Cryptography;

namespace Vse.Host.FileSystem;

/// <summary>
/// The identity of what a <c>copy</c> step copies: a SHA-256 over the tree as the copy sees it,
/// relative names (sorted, ordinal), node types, permission bits, symlink targets and file
/// contents, and nothing about where it lies or who owns it on the host. A copy gives its files
/// the step's owner (root by default), not the host's, and the host path differs between two
/// clones of one repository: neither may change the identity of a description or a layer.
/// Devices, FIFOs and sockets inside a tree are left out, as the copy skips them; a symlink
/// named as the source is followed, as the copy follows it. Modification times are left out: a
/// fresh checkout must give the digest its author got.
/// </summary>
public static class CopySourceDigest
{
    /// <summary>Format version of the walk, part of every digest: a change of walk changes every key.</summary>
    private const string Format = "vse-copy-v1";

    private const int BufferSize = 1 << 16;

    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="hostPath"/>.</exception>
    /// <exception cref="IOException">It is not a regular file or a directory (never read).</exception>
    public static string Of(string hostPath, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostPath);
        var source = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostPath));
        var resolved = new FileInfo(source).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? source;
        var status = Nodes.TryGetStatus(resolved) ?? throw new FileNotFoundException($"copy source '{hostPath}' does not exist", hostPath);
        if (status.Type is not (NodeType.RegularFile or NodeType.Directory))
        {
            throw new IOException($"copy source '{hostPath}' is a {status.Type}, not a regular file or a directory");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        DigestFields.Append(hash, Format);
        foreach (var entry in TreeWalker.Walk(resolved, FileSystemBoundary.Cross, cancellationToken)
                     .Where(e => e.Status.Type is NodeType.RegularFile or NodeType.Directory or NodeType.Symlink)
                     .OrderBy(e => e.RelativePath, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            DigestFields.Append(hash, entry.RelativePath);
            DigestFields.Append(hash, DigestFields.TypeCode(entry.Status.Type));
            DigestFields.Append(hash, entry.Status.IsSymlink ? "" : DigestFields.Mode(entry.Status.Mode));
            DigestFields.Append(hash, entry.Status.IsSymlink ? new FileInfo(entry.HostPath).LinkTarget ?? "" : "");
            DigestFields.Append(hash, entry.Status.Type == NodeType.RegularFile ? FileContent(entry.HostPath, cancellationToken) : "");
        }

        return DigestFields.Finish(hash);
    }

    private static string FileContent(string hostPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        using var stream = new FileStream(hostPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        return DigestFields.Prefix + Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
