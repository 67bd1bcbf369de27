namespace Vse.State.Tests.Support;

/// <summary>A clock that always says <paramref name="now"/>: records stamped by it compare whole.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
