using Vse.Description.Model;

namespace Vse.Description.Layers;

/// <summary>
/// A value path (<see cref="ValuePath"/>) kept as its parent and key, and written out only when a
/// message needs it. Reading the layers of a large hierarchy checks ~10,000 values that are
/// almost all valid; building each one's path (and the message subjects made from it) up front
/// was ~10 % of what a resolve allocated, all of it for messages that were never written.
/// </summary>
internal readonly struct PendingPath
{
    private readonly string _parent;
    private readonly string? _key;

    private PendingPath(string parent, string? key)
    {
        _parent = parent;
        _key = key;
    }

    /// <summary>The path <c>PARENT.KEY</c> (or <c>KEY</c> at the top).</summary>
    public static PendingPath Child(string parent, string key) => new(parent, key);

    public static implicit operator PendingPath(string path) => new(path, null);

    /// <summary>True for the document itself (the empty path).</summary>
    public bool IsDocument => _key is null && _parent.Length == 0;

    public override string ToString() => _key is null ? _parent : ValuePath.Child(_parent, _key);
}

/// <summary>
/// What <see cref="PatchReader.CheckString"/> checks, for its messages (<c>key 'env.X'</c>,
/// <c>'packages'</c>): the text around a path, joined only when there is a problem to report.
/// </summary>
internal readonly record struct CheckedSubject(string Before, PendingPath Path, string After)
{
    public override string ToString() => string.Concat(Before, Path.ToString(), After);
}
