namespace Vse.Host.Confinement;

/// <summary>
/// Syscalls that fail with <paramref name="Errno"/> instead of running, when every condition holds
/// (no condition: always). Several rules on one syscall are alternatives: any one that holds refuses it.
/// </summary>
/// <param name="Why">What the refusal prevents: the documentation of the profile.</param>
public sealed record SeccompRule(IReadOnlyList<string> Names, int Errno, IReadOnlyList<SeccompCondition> Conditions, string Why);
