using System.Globalization;
using System.Security.Cryptography;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Digests;

/// <summary>
/// SHA-256 digests (<c>sha256:HEX</c>, as in OCI) of files and directory trees: the content
/// part of the cache key of <c>rootfs:PATH</c>, <c>tar:PATH</c> and <c>oci-archive:PATH</c> bases.
/// </summary>
public static class ContentDigest
{
    public const string Prefix = DigestFields.Prefix;

    /// <summary>Format version of the tree walk; part of every tree digest so a change of walk changes every key.</summary>
    private const string TreeFormat = "vse-tree-v1";

    private const int BufferSize = 1 << 16;

    public static async Task<string> OfStreamAsync(Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Prefix + Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken).ConfigureAwait(false));
    }

    public static string OfBytes(ReadOnlySpan<byte> content) => Prefix + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>The digest of a file's bytes (a symlink given as the path is followed).</summary>
    /// <exception cref="BuildInputException">The path names a device, FIFO or socket, which is never read.</exception>
    public static async Task<string> OfFileAsync(string hostPath, CancellationToken cancellationToken = default)
    {
        RequireRegularFile(hostPath);
        var stream = OpenForHashing(hostPath);
        await using (stream.ConfigureAwait(false))
        {
            return await OfStreamAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary><see cref="OfFileAsync(string, CancellationToken)"/>, remembered in <paramref name="cache"/> by the file's stat when there is one.</summary>
    public static Task<string> OfFileAsync(string hostPath, FileDigestCache? cache, CancellationToken cancellationToken = default) =>
        cache is null ? OfFileAsync(hostPath, cancellationToken) : cache.DigestOfAsync(hostPath, OfFileAsync, cancellationToken);

    /// <summary><see cref="OfTreeAsync(string, CancellationToken)"/> for a directory, <see cref="OfFileAsync(string, CancellationToken)"/> for anything else.</summary>
    public static Task<string> OfPathAsync(string hostPath, CancellationToken cancellationToken = default) =>
        OfPathAsync(hostPath, cache: null, cancellationToken);

    /// <summary><see cref="OfPathAsync(string, CancellationToken)"/>, each file's digest remembered in <paramref name="cache"/> when there is one.</summary>
    public static Task<string> OfPathAsync(string hostPath, FileDigestCache? cache, CancellationToken cancellationToken = default) =>
        Directory.Exists(hostPath) ? OfTreeAsync(hostPath, cache, cancellationToken) : OfFileAsync(hostPath, cache, cancellationToken);

    /// <summary>
    /// The digest of a directory tree: every node below it (and the root itself, as <c>.</c>),
    /// sorted by relative path (ordinal), each contributing its path, type, permission bits,
    /// uid, gid, size, symlink target, device number and content digest. Symlinks are not
    /// followed (a symlink given as the root is). Modification times are left out on purpose:
    /// touching a file without changing it must not invalidate a cached base. Hard links are
    /// not recorded as such; each name contributes its content.
    /// </summary>
    public static Task<string> OfTreeAsync(string hostDirectory, CancellationToken cancellationToken = default) =>
        OfTreeAsync(hostDirectory, cache: null, cancellationToken);

    /// <summary><see cref="OfTreeAsync(string, CancellationToken)"/>, each file's digest remembered in <paramref name="cache"/> when there is one.</summary>
    public static async Task<string> OfTreeAsync(string hostDirectory, FileDigestCache? cache, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(hostDirectory);
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(hostDirectory));
        root = new DirectoryInfo(root).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? root;
        // Mount points are entered, as the cp -a that copies a rootfs: base enters them; symlinks never are.
        var entries = TreeWalker.Walk(root, FileSystemBoundary.Cross, cancellationToken)
            .Select(entry => (entry.RelativePath, entry.HostPath, entry.Status))
            .ToList();
        entries.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        if (entries.Count == 0)
        {
            throw new DirectoryNotFoundException($"'{hostDirectory}' does not exist");
        }

        using var tree = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        DigestFields.Append(tree, TreeFormat);
        foreach (var (relativePath, hostPath, status) in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DigestFields.Append(tree, relativePath);
            DigestFields.Append(tree, DigestFields.TypeCode(status.Type));
            DigestFields.Append(tree, DigestFields.Mode(status.Mode));
            DigestFields.Append(tree, status.Uid.ToString(CultureInfo.InvariantCulture));
            DigestFields.Append(tree, status.Gid.ToString(CultureInfo.InvariantCulture));
            DigestFields.Append(tree, (status.Type == NodeType.RegularFile ? status.Size : 0).ToString(CultureInfo.InvariantCulture));
            DigestFields.Append(tree, status.IsSymlink ? new FileInfo(hostPath).LinkTarget ?? "" : "");
            DigestFields.Append(tree, status.Type is NodeType.CharacterDevice or NodeType.BlockDevice
                ? $"{status.DeviceMajor},{status.DeviceMinor}" : "");
            DigestFields.Append(tree, status.Type == NodeType.RegularFile
                ? await OfFileAsync(hostPath, cache, cancellationToken).ConfigureAwait(false) : "");
        }

        return DigestFields.Finish(tree);
    }

    // A device (tar:/dev/zero) would hash without end and a FIFO would wait forever for a
    // writer; a missing file is left to the open, which reports it as before.
    private static void RequireRegularFile(string hostPath)
    {
        var target = new FileInfo(hostPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? hostPath;
        if (Nodes.TryGetStatus(target) is { Type: not NodeType.RegularFile } status)
        {
            throw new BuildInputException($"'{hostPath}' is not a regular file ({status.Type}); vse never reads a device, FIFO or socket as a file");
        }
    }

    private static FileStream OpenForHashing(string hostPath) =>
        new(hostPath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
}
