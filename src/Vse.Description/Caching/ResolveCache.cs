using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Vse.Description.Model;
using Vse.Host;
using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Description.Caching;

/// <summary>
/// Resolves descriptions once per change: a successful resolve is kept with everything it read
/// (<see cref="ResolveInputs"/>: each file and directory with its stat, each path canonicalised and
/// where it led, each <c>${env.X}</c> and its value, every node of every copy source, and the vse
/// binary itself), and given again, without parsing a line of YAML or hashing a copy source, for
/// as long as all of those are as they were. A resolve with errors is never kept (it is cheap to
/// repeat and its diagnostics must be the current ones); one with warnings is, and a hit gives its
/// warnings again.
/// </summary>
/// <remarks>
/// One entry per request (the file's full path, target, search path, limits and who asks), named
/// by a 64-bit hash of it and holding the request in full, so two requests that share a hash just
/// take turns. Entries are written to a temporary file in <paramref name="temporaryDirectory"/>
/// (which <c>vse gc</c> empties) and renamed into place: concurrent vse processes and a
/// <c>kill -9</c> leave the old entry or the new one, and an entry that does not read back whole
/// is a miss. Checking an entry costs a stat per input and a realpath per canonicalised path. A
/// resolve that read a file changed within <see cref="RacyWindow"/> is not kept (a second change
/// in the same tick of the file system's clock would not show in the stat).
/// </remarks>
/// <param name="directory">Where entries are kept (made on the first write).</param>
/// <param name="temporaryDirectory">Where entries are written before the rename, on the same file system; nothing is kept until it exists.</param>
public sealed class ResolveCache(string directory, string temporaryDirectory)
{
    private const string Format = "vse-resolve-cache-v2";

    /// <summary>How recent a change to an input keeps a resolve from being kept (<see cref="ResolveInputs.IsRacy"/>).</summary>
    public TimeSpan RacyWindow { get; init; } = FileDigestCache.DefaultRacyWindow;

    /// <summary>What entries are kept in.</summary>
    public string Directory => directory;

    /// <summary>A resolve, from the cache when nothing it read has changed.</summary>
    /// <returns>The result, and whether it came from the cache.</returns>
    public (ResolveResult Result, bool FromCache) Resolve(string file, ResolveOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var request = RequestOf(file, options);
        var entry = Path.Combine(directory, Convert.ToHexStringLower(XxHash3.Hash(Encoding.UTF8.GetBytes(request))));
        if (TryRead(entry, request, options) is { } cached)
        {
            return (cached, true);
        }

        var inputs = new ResolveInputs();
        // A new vse may resolve differently: its binary is an input like any file.
        if (Environment.ProcessPath is { } binary)
        {
            inputs.File(binary);
        }

        ResolveResult result;
        using (inputs.Record())
        {
            result = DescriptionResolver.Resolve(file, options with { Environment = new RecordingEnvironment(options.Environment, inputs) });
        }

        if (result.Description is { } resolved && !result.Diagnostics.Any(d => d.IsError))
        {
            // Recorded before the digest reads them, so a change in between makes the entry stale, not wrong.
            RecordCopySources(resolved.Content, inputs, cancellationToken);
            _ = resolved.Digest;
            if (inputs.Repeatable && !inputs.IsRacy(RacyWindow))
            {
                Write(entry, request, inputs, result);
            }
        }

        return (result, false);
    }

    /// <summary>Everything about the request itself that a result depends on, compared in full.</summary>
    private static string RequestOf(string file, ResolveOptions options)
    {
        var text = new StringBuilder();
        void Line(string name, string? value) => text.Append(name).Append('=').Append(value ?? "\0").Append('\n');
        Line("format", Format);
        Line("vse", VseVersion.Informational);
        Line("file", Path.GetFullPath(file));
        Line("target", options.Target);
        Line("path", string.Join('\0', options.SearchPath.Directories));
        Line("site", options.SearchPath.SiteDirectory);
        Line("shipped", options.SearchPath.ShippedDirectory);
        Line("limits", options.Limits.ToString());
        // The trust check judges files as this user (root, root of a user namespace, or another,
        // whose groups decide what access(2) lets it change).
        Line("user", string.Create(CultureInfo.InvariantCulture, $"{ProcessIdentity.Current} root={ProcessIdentity.IsRoot} host-root={ProcessIdentity.IsHostRoot}"));
        Line("groups", SupplementaryGroups());
        return text.ToString();
    }

    private static string SupplementaryGroups()
    {
        try
        {
            return File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Groups:", StringComparison.Ordinal)) ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>Every node of every <c>copy</c> source: the location-free form hashes them.</summary>
    private static void RecordCopySources(MapValue content, ResolveInputs inputs, CancellationToken cancellationToken)
    {
        if (content["files"] is not StepListValue files)
        {
            return;
        }

        foreach (var source in files.Steps.Select(s => (s.Body["copy"] as ScalarValue)?.AsString).OfType<string>())
        {
            inputs.File(source);
            if (inputs.Files[source] is null)
            {
                // Absent (the build step will say so): recorded as absent, so its appearing is a miss.
                continue;
            }

            try
            {
                var real = new FileInfo(source).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? source;
                if (Nodes.StatusOrNull(real, followSymlink: false) is { IsDirectory: true })
                {
                    foreach (var entry in TreeWalker.Walk(real, FileSystemBoundary.Cross, cancellationToken))
                    {
                        inputs.Node(entry.HostPath);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A tree that cannot be walked whole cannot be compared later either.
                inputs.NotRepeatable();
            }
        }
    }

    private static ResolveResult? TryRead(string entry, string request, ResolveOptions options)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(entry);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            using var reader = new InterningBinaryReader(new MemoryStream(bytes, writable: false));
            if (reader.ReadString() != request)
            {
                return null;
            }

            if (!StatsHold(reader, followSymlink: true) || !StatsHold(reader, followSymlink: false))
            {
                return null;
            }

            for (var count = reader.ReadInt32(); count > 0; count--)
            {
                var path = reader.ReadString();
                if (Policy.HostPaths.Canonicalize(path) != reader.ReadString())
                {
                    return null;
                }
            }

            for (var count = reader.ReadInt32(); count > 0; count--)
            {
                var name = reader.ReadString();
                var value = reader.ReadBoolean() ? reader.ReadString() : null;
                if ((options.Environment.TryGetValue(name, out var now) ? now : null) != value)
                {
                    return null;
                }
            }

            return ResolvedDescriptionCodec.Read(reader);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or ArgumentException or FormatException)
        {
            // Damaged, or written by another format: resolved again and written over.
            return null;
        }
    }

    /// <param name="ignoreOwners">Compare everything but the owners (<see cref="InputsMayHold"/>).</param>
    private static bool StatsHold(BinaryReader reader, bool followSymlink, bool ignoreOwners = false)
    {
        var holds = true;
        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            var path = reader.ReadString();
            var recorded = ReadStat(reader);
            // Read on to the end of the list even after a difference: the reader must stay in step.
            holds = holds && (InputStat.Of(path, followSymlink) is var current && ignoreOwners && recorded is not null && current is not null
                ? recorded with { Uid = 0, Gid = 0 } == current with { Uid = 0, Gid = 0 }
                : current == recorded);
        }

        return holds;
    }

    private static InputStat? ReadStat(BinaryReader reader) =>
        reader.ReadBoolean()
            ? new InputStat(reader.ReadUInt64(), reader.ReadUInt64(), (NodeType)reader.ReadInt32(), (UnixFileMode)reader.ReadInt32(), reader.ReadUInt32(),
                reader.ReadUInt32(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64())
            : null;

    /// <summary>
    /// Removes the entries that can no longer be hit, or are unlikely to be (<c>vse gc</c>): one
    /// whose recorded files or nodes are not as they were (a description deleted or edited, a
    /// temporary directory gone), one written more than <paramref name="lifetime"/> before
    /// <paramref name="now"/> (it may wait for a <c>${env.X}</c> value or a search path that never
    /// comes back, which gc cannot judge), and one that does not read or is of another format.
    /// </summary>
    /// <returns>How many were removed.</returns>
    public int Prune(DateTimeOffset now, TimeSpan lifetime, CancellationToken cancellationToken) =>
        CacheEntryPruner.Prune(
            directory, entry => File.GetLastWriteTimeUtc(entry) > (now - lifetime).UtcDateTime && InputsMayHold(entry), cancellationToken);

    /// <summary>Whether the files and nodes an entry recorded still have the stat it recorded, owners left out.</summary>
    /// <remarks>
    /// The owners are left out because gc may look from the rootless build namespace, where the same
    /// file's ids read otherwise; a chown moves the change time, which is compared.
    /// </remarks>
    private static bool InputsMayHold(string entry)
    {
        try
        {
            using var reader = new InterningBinaryReader(File.OpenRead(entry));
            if (!reader.ReadString().StartsWith($"format={Format}\n", StringComparison.Ordinal))
            {
                return false;
            }

            return StatsHold(reader, followSymlink: true, ignoreOwners: true) && StatsHold(reader, followSymlink: false, ignoreOwners: true);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException or UnauthorizedAccessException or ArgumentException or FormatException)
        {
            return false;
        }
    }

    private void Write(string entry, string request, ResolveInputs inputs, ResolveResult result)
    {
        if (!System.IO.Directory.Exists(temporaryDirectory))
        {
            // Not made here: it is the store's, made (private) with the store by the first build.
            return;
        }

        // Keeping it is an optimisation: a state directory that cannot be written resolves every time.
        CacheEntryWriter.TryReplace(entry, temporaryDirectory, "resolved", stream =>
        {
            using var writer = new InterningBinaryWriter(stream);
            writer.Write(request);
            WriteStats(writer, inputs.Files);
            WriteStats(writer, inputs.Nodes);
            writer.Write(inputs.Canonical.Count);
            foreach (var (path, canonical) in inputs.Canonical)
            {
                writer.Write(path);
                writer.Write(canonical);
            }

            writer.Write(inputs.Variables.Count);
            foreach (var (name, value) in inputs.Variables)
            {
                writer.Write(name);
                writer.Write(value is not null);
                if (value is not null)
                {
                    writer.Write(value);
                }
            }

            ResolvedDescriptionCodec.Write(writer, result.Description!, result.Diagnostics);
        });
    }

    private static void WriteStats(BinaryWriter writer, IReadOnlyDictionary<string, InputStat?> stats)
    {
        writer.Write(stats.Count);
        foreach (var (path, stat) in stats)
        {
            writer.Write(path);
            writer.Write(stat is not null);
            if (stat is not null)
            {
                writer.Write(stat.Device);
                writer.Write(stat.Inode);
                writer.Write((int)stat.Type);
                writer.Write((int)stat.Mode);
                writer.Write(stat.Uid);
                writer.Write(stat.Gid);
                writer.Write(stat.Size);
                writer.Write(stat.ModificationTime);
                writer.Write(stat.ChangeTime);
            }
        }
    }
}
