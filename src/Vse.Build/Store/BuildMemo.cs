using System.Globalization;
using System.IO.Hashing;
using System.Reflection;
using System.Text;
using Vse.Build.Bases;
using Vse.Build.Steps;
using Vse.Description;
using Vse.Description.Policy;
using Vse.Host.FileSystem;

namespace Vse.Build.Store;

/// <summary>
/// The layers an earlier build of the same request produced, given again without computing a
/// layer key (SHA-256, which loads OpenSSL, over every step): the repeated <c>vse build</c> or
/// <c>vse run</c> of a description that has not changed. The request is everything the layer
/// keys are computed from: the resolved description's digest (which covers every copy source's
/// content), its name and target, the site policy, the base's identity as a stat of the file it
/// is read from, the site store, and the vse binary with its version and <see cref="Format"/>.
/// </summary>
/// <remarks>
/// Only bases whose identity is a local file's content are remembered (<c>scratch</c>,
/// <c>busybox</c> from the host's <c>/bin/busybox</c>, a <c>tar:</c> or <c>oci-archive:</c>
/// file): a Debian suite or a registry tag names content that changes on the mirror without
/// anything local changing, and a <c>rootfs:</c> tree would need a stat of every file, so those
/// keep the full check. So do <c>--locked</c> builds and captured layers (whose archive is
/// verified on every build). An entry is used only when every layer it names is still in the
/// store (a stat each, so <c>vse gc</c> removing one makes it a miss) and the top layer's tree
/// is where it was. Entries are one file per request, named by a 64-bit hash of it, holding the
/// request in full; written to the store's <c>tmp/</c> and renamed into place. Anything that
/// does not read back whole is a miss. A base file changed within
/// <see cref="FileDigestCache.DefaultRacyWindow"/> of the build's start, or during the build,
/// is not remembered (the same "racy clean" rule as <see cref="FileDigestCache"/>).
/// </remarks>
/// <param name="directory">Where the entries are (made on the first write).</param>
/// <param name="temporaryDirectory">Where entries are written before the rename: on the same file system.</param>
public sealed class BuildMemo(string directory, string temporaryDirectory)
{
    /// <summary>Revision of how vse turns a description into layers and of the entry's layout: a change to either must change it.</summary>
    private const string Format = "vse-build-memo-v1";

    private const string End = "end";

    public string Directory => directory;

    /// <summary>
    /// The request a build of <paramref name="steps"/> answers, or null when its inputs are not
    /// all local files (see the remarks).
    /// </summary>
    /// <param name="lookedAt">When the base file was looked at; a change within the racy window of it makes the request not worth keeping.</param>
    public static MemoRequest? RequestOf(ResolvedDescription resolved, IReadOnlyList<BuildStep> steps, LayerChain chain, DateTimeOffset lookedAt)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(chain);
        if (steps.Count == 0 || steps[0] is not BaseStep baseStep || steps.OfType<FilesStep>().Any(f => f.Body["layer"] is not null)
            || BaseIdentityOf(baseStep.Spec) is not { } baseIdentity)
        {
            return null;
        }

        var text = new StringBuilder();
        void Line(string name, string? value) => text.Append(name).Append('=').Append(value ?? "\0").Append('\n');
        Line("format", Format);
        Line("vse", typeof(BuildMemo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
        // A new vse may build differently: its binary is an input like the base file.
        Line("binary", Environment.ProcessPath is { } binary ? StatOf(binary)?.Text : null);
        Line("name", resolved.Name);
        Line("target", resolved.Target);
        Line("digest", resolved.Digest);
        Line("policy", PolicyDigest.CanonicalTextOf(resolved.Policy));
        Line("base", baseIdentity.Text);
        Line("site", chain.Site?.Root);
        return new MemoRequest(text.ToString(), baseIdentity.Racy(lookedAt));
    }

    /// <summary>The remembered build of <paramref name="request"/>, when every layer it names is still in <paramref name="chain"/>.</summary>
    public RememberedBuild? TryRead(MemoRequest request, LayerChain chain)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(chain);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(EntryOf(request));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
            if (reader.ReadString() != Format || reader.ReadString() != request.Text)
            {
                return null;
            }

            var top = reader.ReadString();
            var rootfs = reader.ReadString();
            var count = reader.ReadInt32();
            if (count < 1 || count > 100_000)
            {
                return null;
            }

            var layers = new List<(string Title, string Key, LayerOrigin Origin)>(count);
            for (var i = 0; i < count; i++)
            {
                var title = reader.ReadString();
                var key = reader.ReadString();
                // A key names a directory of the store: anything but a digest could lead out of it.
                if (!IsKey(key) || chain.Locate(key) is not { } origin)
                {
                    return null;
                }

                layers.Add((title, key, origin));
            }

            return reader.ReadString() == End && reader.BaseStream.Position == bytes.Length && layers[^1].Key == top && chain.RootfsOf(top) == rootfs
                ? new RememberedBuild(top, rootfs, layers)
                : null;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Remembers <paramref name="built"/> as the answer to <paramref name="request"/>; a store it cannot write to just builds every time.</summary>
    public void Write(MemoRequest request, BuildResult built)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(built);
        if (request.Racy)
        {
            return;
        }

        CacheEntryWriter.TryReplace(EntryOf(request), temporaryDirectory, "build-memo", stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8);
            writer.Write(Format);
            writer.Write(request.Text);
            writer.Write(built.TopLayerKey);
            writer.Write(built.Rootfs);
            writer.Write(built.Layers.Count);
            foreach (var layer in built.Layers)
            {
                writer.Write(layer.Title);
                writer.Write(layer.Key);
            }

            writer.Write(End);
        });
    }

    /// <summary>
    /// Removes the entries that can no longer be hit (<c>vse gc</c>, which holds the store lock):
    /// one naming a layer no longer in <paramref name="chain"/> (gc removed it), one whose base file
    /// or vse binary is no longer the file it recorded (its stat differs or it is gone), and one
    /// that does not read back whole or is of another format.
    /// </summary>
    /// <returns>How many were removed.</returns>
    public int Prune(LayerChain chain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chain);
        return CacheEntryPruner.Prune(directory, entry =>
            RequestIn(entry) is { } request && TryRead(request, chain) is not null && request.Text.Split('\n').All(FileStillHolds), cancellationToken);
    }

    /// <summary>The request an entry answers, as it is written at its head; null when it does not read.</summary>
    private static MemoRequest? RequestIn(string entry)
    {
        try
        {
            using var reader = new BinaryReader(File.OpenRead(entry), Encoding.UTF8);
            return reader.ReadString() == Format ? new MemoRequest(reader.ReadString(), Racy: false) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException or DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>Whether a line of a request that names a file's stat (the base's, the binary's) still names the file's stat now.</summary>
    private static bool FileStillHolds(string line)
    {
        var (name, value) = line.IndexOf('=', StringComparison.Ordinal) is var equals and > 0 ? (line[..equals], line[(equals + 1)..]) : (line, "");
        var stat = name switch
        {
            "binary" => value,
            // KIND STAT, or scratch, which names no file.
            "base" => value.IndexOf(' ', StringComparison.Ordinal) is var space and > 0 ? value[(space + 1)..] : null,
            _ => null,
        };
        return stat is null || stat == "\0" || (PathIn(stat) is { } path && StatOf(path)?.Text == stat);
    }

    /// <summary>The path at the head of a file's stat text (<c>LENGTH:PATH ...</c>).</summary>
    private static string? PathIn(string stat) =>
        stat.IndexOf(':', StringComparison.Ordinal) is var colon and > 0
        && int.TryParse(stat.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
        && length <= stat.Length - colon - 1
            ? stat.Substring(colon + 1, length)
            : null;

    private string EntryOf(MemoRequest request) =>
        Path.Combine(directory, Convert.ToHexStringLower(XxHash3.Hash(Encoding.UTF8.GetBytes(request.Text))));

    private static bool IsKey(string key) => key.Length == 64 && key.All(char.IsAsciiHexDigitLower);

    /// <summary>The base's identity as the stat of the one local file it is read from; null when it has none (see the remarks).</summary>
    private static FileStat? BaseIdentityOf(BaseSpec spec) => spec.Kind switch
    {
        "scratch" => new FileStat("scratch", ChangeTimeNanoseconds: 0),
        "busybox" => StatOf(BusyboxBase.HostBinary) is { } stat ? stat with { Text = "busybox " + stat.Text } : null,
        "tar" or "oci-archive" => StatOf(spec.Argument) is { } stat ? stat with { Text = $"{spec.Kind} {stat.Text}" } : null,
        _ => null,
    };

    /// <summary>A regular file's path and stat (symlinks followed, like the file digest cache); null for anything else.</summary>
    private static FileStat? StatOf(string path) =>
        Nodes.StatusOrNull(path, followSymlink: true) is { Type: NodeType.RegularFile } status
            ? new FileStat(
                string.Create(CultureInfo.InvariantCulture,
                    $"{path.Length}:{path} {status.FileSystemDevice} {status.Inode} {status.Size} {status.ModificationTimeNanoseconds} {status.ChangeTimeNanoseconds}"),
                status.ChangeTimeNanoseconds)
            : null;

    private sealed record FileStat(string Text, long ChangeTimeNanoseconds)
    {
        public bool Racy(DateTimeOffset lookedAt) =>
            ChangeTimeNanoseconds != 0 && FileDigestCache.IsRacy(ChangeTimeNanoseconds, lookedAt, FileDigestCache.DefaultRacyWindow);
    }
}
