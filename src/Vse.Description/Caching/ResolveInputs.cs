using Vse.Host.FileSystem;

namespace Vse.Description.Caching;

/// <summary>
/// What one resolve read from outside its arguments, as it read it: every host path it looked at
/// (a description, a base it searched for and did not find, the site policy file, each directory
/// the trust check judged, every node of a copy source) with its stat, what each path it
/// canonicalised led to, and every environment variable <c>${env.X}</c> asked for, set or not.
/// <see cref="ResolveCache"/> keeps a resolve's result only as long as all of these are as they were.
/// </summary>
/// <remarks>
/// The resolver is synchronous and starts no thread, so the recorder of the resolve running on a
/// thread is found through <see cref="Current"/>, set by <see cref="Record"/> for its duration: the
/// places that read call <c>ResolveInputs.Current?.File(path)</c> (one line each) rather than every
/// signature between the resolver and them carrying a recorder no other caller wants. Each path is
/// recorded the first time it is looked at, before it is read: a change after that makes the
/// recorded stat stale, and the entry misses, never the other way round.
/// </remarks>
public sealed class ResolveInputs
{
    [ThreadStatic]
    private static ResolveInputs? current;

    private readonly Dictionary<string, InputStat?> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InputStat?> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _canonical = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _variables = new(StringComparer.Ordinal);

    /// <summary>The recorder of the resolve running on this thread, if any.</summary>
    public static ResolveInputs? Current => current;

    /// <summary>Paths looked at through symlinks (as opening them does), and what was there: null for nothing.</summary>
    public IReadOnlyDictionary<string, InputStat?> Files => _files;

    /// <summary>Nodes looked at as themselves (a symlink as a symlink: the nodes of a copy source's tree).</summary>
    public IReadOnlyDictionary<string, InputStat?> Nodes => _nodes;

    /// <summary>Each path canonicalised (<see cref="Policy.HostPaths.Canonicalize"/>) and the result.</summary>
    public IReadOnlyDictionary<string, string> Canonical => _canonical;

    /// <summary>Each environment variable read, and its value then (null: unset).</summary>
    public IReadOnlyDictionary<string, string?> Variables => _variables;

    /// <summary>When recording began: before any input was looked at (<see cref="IsRacy"/>).</summary>
    public DateTimeOffset Started { get; } = DateTimeOffset.UtcNow;

    /// <summary>
    /// Whether an input changed so shortly before it was looked at that a second change in the same
    /// tick of the file system's clock would leave its stat as it is (<see cref="FileDigestCache.IsRacy"/>):
    /// such a resolve is not kept. Every write after one tick more gets a later change time.
    /// </summary>
    public bool IsRacy(TimeSpan window) =>
        _files.Values.Concat(_nodes.Values).Any(stat => stat is not null && FileDigestCache.IsRacy(stat.ChangeTime, Started, window));

    /// <summary>False when the resolve read something these records cannot tell the change of (the whole environment).</summary>
    public bool Repeatable { get; private set; } = true;

    /// <summary>Makes this the recorder of the current thread until the result is disposed.</summary>
    public IDisposable Record()
    {
        var previous = current;
        current = this;
        return new Restore(previous);
    }

    /// <summary>A path about to be probed or read (a final symlink followed).</summary>
    public void File(string path)
    {
        if (!_files.ContainsKey(path))
        {
            _files[path] = InputStat.Of(path, followSymlink: true);
        }
    }

    /// <summary>A node about to be read as itself (never through a final symlink).</summary>
    public void Node(string path)
    {
        if (!_nodes.ContainsKey(path))
        {
            _nodes[path] = InputStat.Of(path, followSymlink: false);
        }
    }

    /// <summary>The resolve read something that cannot be compared later: its result is not kept.</summary>
    public void NotRepeatable() => Repeatable = false;

    public void Canonicalized(string path, string result) => _canonical.TryAdd(path, result);

    public void Variable(string name, string? value) => _variables.TryAdd(name, value);

    private sealed class Restore(ResolveInputs? previous) : IDisposable
    {
        public void Dispose() => current = previous;
    }
}

/// <summary>
/// What a resolve's inputs are compared by: the node (device, inode), its type, owner and mode
/// (the trust check judges them), size and both times in nanoseconds. The change time is the part
/// no one can set back: a rewrite whose modification time is restored (<c>touch -r</c>) still moves it.
/// </summary>
public sealed record InputStat(ulong Device, ulong Inode, NodeType Type, UnixFileMode Mode, uint Uid, uint Gid, long Size, long ModificationTime, long ChangeTime)
{
    /// <returns>The stat, or null when nothing is there (or it cannot be looked at, which counts the same).</returns>
    public static InputStat? Of(string path, bool followSymlink) =>
        Vse.Host.FileSystem.Nodes.StatusOrNull(path, followSymlink) is { } status
            ? new InputStat(status.FileSystemDevice, status.Inode, status.Type, status.Mode, status.Uid, status.Gid, status.Size,
                status.ModificationTimeNanoseconds, status.ChangeTimeNanoseconds)
            : null;
}
