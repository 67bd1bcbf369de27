using System.Collections.Immutable;

namespace Vse.Description.Model;

/// <summary>
/// A value of a resolved description. Four kinds, one per merge rule of DESIGN §2.2: scalars
/// replace, maps merge key by key, sets add and remove members, step lists append and replace by id.
/// Values are immutable, so a layer's merge builds new values and earlier ones stay comparable.
/// </summary>
public abstract record DescriptionValue;

/// <summary>A string, a 64-bit integer (sizes are integers of bytes) or a boolean.</summary>
public sealed record ScalarValue : DescriptionValue
{
    // One value for each boolean: every `true` of a resolve had a ScalarValue and a boxed bool of its own.
    private static readonly ScalarValue True = new(true);
    private static readonly ScalarValue False = new(false);

    private ScalarValue(object raw) => Raw = raw;

    public object Raw { get; }

    public static ScalarValue Of(string value) => new(value);

    public static ScalarValue Of(long value) => new(value);

    public static ScalarValue Of(bool value) => value ? True : False;

    public string? AsString => Raw as string;

    public long? AsInteger => Raw is long l ? l : null;

    public bool? AsBoolean => Raw is bool b ? b : null;

    public override string ToString() => Raw switch
    {
        bool b => b ? "true" : "false",
        _ => Convert.ToString(Raw, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}

/// <summary>A set of names (packages, services, devices), sorted ordinally.</summary>
public sealed record SetValue(ImmutableSortedSet<string> Members) : DescriptionValue
{
    public static SetValue Empty { get; } = new(ImmutableSortedSet.Create<string>(StringComparer.Ordinal));
}

/// <summary>An ordered list of steps (<c>files</c>, <c>build</c>).</summary>
public sealed record StepListValue(ImmutableList<Step> Steps) : DescriptionValue
{
    public static StepListValue Empty { get; } = new(ImmutableList<Step>.Empty);
}

/// <summary>One step: its canonical body (which carries the <c>id</c> when the author gave one).</summary>
/// <param name="Key">
/// The step's identity for provenance: its id, or for a step without one the layer and position
/// that introduced it (<c>site/hpc#2</c>), which later layers cannot disturb.
/// </param>
public sealed record Step(string Key, string? Id, MapValue Body);
