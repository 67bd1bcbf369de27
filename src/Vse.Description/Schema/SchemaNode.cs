using System.Text.RegularExpressions;

namespace Vse.Description.Schema;

/// <summary>The expected shape of a value, and so the merge rule it follows (DESIGN §2.2).</summary>
internal abstract record SchemaNode;

internal enum ScalarKind
{
    String,
    Integer,
    Boolean,

    /// <summary>Bytes, written as an integer or with a unit (<c>8Gi</c>); resolved to an integer.</summary>
    Size,

    /// <summary>A boolean, an integer or a string, as YAML reads a plain scalar (kernel arguments).</summary>
    Any,
}

/// <summary>What a string names, which decides how it is checked.</summary>
internal enum PathKind
{
    None,

    /// <summary>An absolute path inside the image; <c>..</c> may not climb above <c>/</c>.</summary>
    ImagePath,

    /// <summary>An absolute path on the host (mount sources).</summary>
    HostPath,

    /// <summary>A host path, relative to the directory of the file that names it (copy sources).</summary>
    HostPathRelativeToFile,
}

/// <param name="Literal">Never interpolated: an identifier such as <c>name</c> must read the same everywhere.</param>
/// <param name="Problem">A check beyond the pattern: what is wrong with a string that matches it, or null (registry references).</param>
internal sealed record ScalarSchema(
    ScalarKind Kind,
    IReadOnlyList<string>? Choices = null,
    Regex? Pattern = null,
    string? PatternDescription = null,
    long Minimum = long.MinValue,
    long Maximum = long.MaxValue,
    PathKind Path = PathKind.None,
    bool Literal = false,
    Func<string, string?>? Problem = null) : SchemaNode;

/// <summary>A map with a fixed set of keys (<c>os</c>, <c>resources</c>, …).</summary>
internal sealed record StructSchema(IReadOnlyDictionary<string, SchemaNode> Fields, IReadOnlySet<string> Required) : SchemaNode;

/// <summary>A map whose keys the user chooses (<c>env</c>, <c>mounts</c>, <c>boot.cmdline</c>).</summary>
internal sealed record DictSchema(SchemaNode Values, ScalarSchema Keys) : SchemaNode;

internal sealed record SetSchema(ScalarSchema Members) : SchemaNode;

/// <summary>
/// A scalar (<see cref="Scalar"/>), or a YAML list of distinct indices from 0 to
/// <see cref="MaximumIndex"/>. A list resolves to one scalar, its indices ascending in brackets
/// (<c>[0,2]</c>): it replaces as a scalar does, and a one-index list is not a count.
/// </summary>
internal sealed record IndexListSchema(ScalarSchema Scalar, int MaximumIndex) : SchemaNode;

internal enum StepKind
{
    Files,
    Build,
}

internal sealed record StepsSchema(StepKind Kind) : SchemaNode;
