using System.Text.Json;
using Vse.Host.Processes;
using Vse.Runtime.Host;

namespace Vse.Runtime.Oci;

/// <summary>
/// Remembers each runtime's probe outcome in <c>DIRECTORY/oci-runtime-probes.json</c>, so
/// <c>vse deploy</c> and <c>vse run</c> do not start a probe container (or two, where crun fails)
/// every time. An outcome, "works" or a failure, is trusted until its <see cref="OciProbeKey"/>
/// changes; <c>vse doctor</c> probes afresh and rewrites it. The directory is passed in (the vse
/// home): this library does not decide where data lives.
/// </summary>
public sealed class OciRuntimeProbeCache
{
    public const string FileName = "oci-runtime-probes.json";

    // Concurrent probes of one process (doctor probes crun and runc at once) must not lose each
    // other's entries in the read-modify-write; between processes the last rename wins, and a
    // lost entry only costs one more probe.
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Func<CancellationToken, Task<HostIdentity>> _readHost;

    /// <summary>
    /// The file's entries as this cache last read or wrote them: selecting a runtime looks up crun,
    /// then runc, and each lookup would otherwise read and parse the file again. A cache lives for
    /// one selection (or one doctor run); another process's later store only costs a probe.
    /// </summary>
    private Task<IReadOnlyList<OciProbeCacheEntry>>? _entries;

    public OciRuntimeProbeCache(string directory)
        : this(directory, Once(HostIdentity.ReadAsync))
    {
    }

    /// <param name="readHost">The host's facts for the key; tests pass their own.</param>
    public OciRuntimeProbeCache(string directory, Func<CancellationToken, Task<HostIdentity>> readHost)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(readHost);
        FilePath = Path.Combine(Path.GetFullPath(directory), FileName);
        _readHost = readHost;
    }

    public string FilePath { get; }

    /// <summary>
    /// The host's facts read once per cache: selecting a runtime looks up crun, then runc, and
    /// each lookup would otherwise read the kernel release, mountinfo and status again.
    /// </summary>
    private static Func<CancellationToken, Task<HostIdentity>> Once(Func<CancellationToken, Task<HostIdentity>> read)
    {
        Task<HostIdentity>? facts = null;
        return cancellationToken => facts ??= read(cancellationToken);
    }

    /// <summary>The remembered outcome for <paramref name="name"/> when it is still valid, else a real probe (remembered).</summary>
    public async Task<OciRuntimeProbeResult> ProbeAsync(string name, CancellationToken cancellationToken)
    {
        if (ExternalTool.Find(name) is not { } path)
        {
            return await OciRuntimeProbe.ProbeAsync(name, cancellationToken);
        }

        var key = OciProbeKey.For(path, await _readHost(cancellationToken));
        return await LookupAsync(name, key, cancellationToken) is { } entry
            ? new OciRuntimeProbeResult(name, path, entry.Works, entry.Error)
            : await ProbeAndStoreAsync(name, path, key, cancellationToken);
    }

    /// <summary>A real probe whatever is remembered, remembered in turn (for <c>vse doctor</c>).</summary>
    public async Task<OciRuntimeProbeResult> RefreshAsync(string name, CancellationToken cancellationToken)
    {
        if (ExternalTool.Find(name) is not { } path)
        {
            return await OciRuntimeProbe.ProbeAsync(name, cancellationToken);
        }

        var key = OciProbeKey.For(path, await _readHost(cancellationToken));
        return await ProbeAndStoreAsync(name, path, key, cancellationToken);
    }

    /// <summary>The entry for <paramref name="name"/> if its key equals <paramref name="key"/>; an unreadable file counts as empty.</summary>
    public async Task<OciProbeCacheEntry?> LookupAsync(string name, OciProbeKey key, CancellationToken cancellationToken)
    {
        var entries = await (_entries ??= ReadAsync(cancellationToken));
        return entries.FirstOrDefault(e => e.Name == name && e.Key == key);
    }

    /// <summary>Replaces the entry for <paramref name="entry"/>'s runtime; written to a temporary file and renamed, so a reader never sees half a file.</summary>
    public async Task StoreAsync(OciProbeCacheEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            // Read afresh: another process may have stored an entry since this cache's first read.
            IReadOnlyList<OciProbeCacheEntry> entries = [.. (await ReadAsync(cancellationToken)).Where(e => e.Name != entry.Name).Append(entry).OrderBy(e => e.Name, StringComparer.Ordinal)];
            var directory = Path.GetDirectoryName(FilePath)!;
            Directory.CreateDirectory(directory);
            var temporary = Path.Combine(directory, $".{FileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            try
            {
                await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(new OciProbeCacheFile(OciProbeCacheFile.CurrentVersion, entries), OciProbeCacheJson.Default.OciProbeCacheFile), cancellationToken);
                File.Move(temporary, FilePath, overwrite: true);
                _entries = Task.FromResult(entries);
            }
            finally
            {
                File.Delete(temporary);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<OciRuntimeProbeResult> ProbeAndStoreAsync(string name, string path, OciProbeKey key, CancellationToken cancellationToken)
    {
        var result = await OciRuntimeProbe.ProbeAsync(name, cancellationToken);
        // A probe that could not run (no busybox, a timeout) says nothing about the runtime.
        if (result.Conclusive && result.Path == path)
        {
            await StoreAsync(new OciProbeCacheEntry(name, key, result.Works, result.Error, DateTimeOffset.UtcNow), cancellationToken);
        }

        return result;
    }

    // Read synchronously, once per cache: an asynchronous file read is a blocking read on a
    // thread-pool thread, which a one-shot run otherwise starts for this file alone.
    private Task<IReadOnlyList<OciProbeCacheEntry>> ReadAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return Task.FromResult(OciProbeCacheReader.Read(File.ReadAllBytes(FilePath)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or JsonException)
        {
            // No cache yet, or one damaged by hand: probing again is the remedy, not an error.
            return Task.FromResult<IReadOnlyList<OciProbeCacheEntry>>([]);
        }
    }
}
