using Vse.Description.Model;

namespace Vse.Description.Provenance;

/// <summary>
/// A value path (<see cref="ValuePath"/>) as its parent's path and its last part: <c>env</c> and
/// <c>HOME</c> for <c>env.HOME</c>, <c>packages</c> and <c>gcc</c> for <c>packages[gcc]</c>. Equal and
/// hashed as the text it stands for, however that text is split, so a path given as one string finds
/// the same entry. The text is made only when asked for (<see cref="ToString"/>).
/// </summary>
/// <remarks>
/// The provenance of a resolve has a path for every value it set (~14,000 in the 10,000-key
/// benchmark); as strings they were a tenth of what a resolved description kept alive, and every one
/// was copied from GC generation to generation during the resolve. The parent's path and the key
/// are strings that live anyway (the parent's own path, the content's key).
/// </remarks>
internal readonly struct PathKey : IEquatable<PathKey>
{
    private const int StackLimit = 256;

    private readonly string _parent;
    private readonly string _last;
    private readonly Kind _kind;

    private PathKey(string parent, string last, Kind kind) => (_parent, _last, _kind) = (parent, last, kind);

    private enum Kind : byte
    {
        Whole,
        Child,
        Member,
    }

    /// <summary>A path given as its text.</summary>
    public static PathKey Of(string path) => new("", path, Kind.Whole);

    /// <summary><c>PARENT.KEY</c> (<see cref="ValuePath.Child"/>).</summary>
    public static PathKey Child(string parent, string key) => parent.Length == 0 ? Of(key) : new(parent, key, Kind.Child);

    /// <summary><c>PARENT[MEMBER]</c> (<see cref="ValuePath.Member"/>).</summary>
    public static PathKey Member(string parent, string member) => new(parent, member, Kind.Member);

    public int Length => _kind switch
    {
        Kind.Whole => _last.Length,
        Kind.Child => _parent.Length + 1 + _last.Length,
        _ => _parent.Length + _last.Length + 2,
    };

    public override string ToString() => _kind switch
    {
        Kind.Whole => _last,
        Kind.Child => ValuePath.Child(_parent, _last),
        _ => ValuePath.Member(_parent, _last),
    };

    public bool Equals(PathKey other)
    {
        if (_kind == other._kind && ReferenceEquals(_parent, other._parent) && ReferenceEquals(_last, other._last))
        {
            return true;
        }

        var length = Length;
        if (length != other.Length)
        {
            return false;
        }

        if (length > StackLimit)
        {
            return string.Equals(ToString(), other.ToString(), StringComparison.Ordinal);
        }

        Span<char> mine = stackalloc char[length];
        Span<char> theirs = stackalloc char[length];
        CopyTo(mine);
        other.CopyTo(theirs);
        return mine.SequenceEqual(theirs);
    }

    public override bool Equals(object? obj) => obj is PathKey other && Equals(other);

    /// <summary>The hash of the text (<see cref="string.GetHashCode(ReadOnlySpan{char})"/>), as a string of it would have.</summary>
    public override int GetHashCode()
    {
        if (_kind == Kind.Whole)
        {
            return string.GetHashCode(_last.AsSpan());
        }

        var length = Length;
        if (length > StackLimit)
        {
            return string.GetHashCode(ToString().AsSpan());
        }

        Span<char> text = stackalloc char[length];
        CopyTo(text);
        return string.GetHashCode(text);
    }

    private void CopyTo(Span<char> destination)
    {
        switch (_kind)
        {
            case Kind.Whole:
                _last.CopyTo(destination);
                break;
            case Kind.Child:
                _parent.CopyTo(destination);
                destination[_parent.Length] = '.';
                _last.CopyTo(destination[(_parent.Length + 1)..]);
                break;
            default:
                _parent.CopyTo(destination);
                destination[_parent.Length] = '[';
                _last.CopyTo(destination[(_parent.Length + 1)..]);
                destination[^1] = ']';
                break;
        }
    }
}
