namespace Vse.Runtime.Drivers;

/// <summary>
/// A driver that creates and starts many instances of one shape together, cheaper than one
/// create and one start each (the bulk launcher: one process clones them all). A deploy asks for
/// this ability and takes the one-by-one way of <see cref="IDriver"/> without it.
/// </summary>
public interface IStartsMany
{
    /// <summary>
    /// Creates and starts every instance of <paramref name="specs"/>, which must differ only in
    /// id, hostname, state directory and network attachment. An instance that fails is removed
    /// and reported in the result; the others go on.
    /// </summary>
    /// <param name="onDone">Called as each instance has started or failed (progress).</param>
    /// <returns>Per instance, in order: its handle and PID, or why it failed.</returns>
    Task<IReadOnlyList<StartOutcome>> StartManyAsync(IReadOnlyList<InstanceSpec> specs, Action<StartOutcome>? onDone, CancellationToken cancellationToken);
}
