namespace Vse.Description.Model;

/// <summary>
/// <c>security</c>: how a description asks to relax the confinement every sandbox instance gets
/// (docs/security.md); site policy must allow each relaxation (<c>policy.allow.seccomp</c>,
/// <c>policy.allow.capabilities</c>).
/// </summary>
/// <param name="SeccompUnconfined"><c>seccomp: unconfined</c>: no syscall filter (default: vse's profile).</param>
/// <param name="Capabilities">Capabilities added to the default set, names without <c>CAP_</c>, ordinal order.</param>
public sealed record SecuritySettings(bool SeccompUnconfined, IReadOnlyList<string> Capabilities)
{
    public static SecuritySettings Default { get; } = new(false, []);

    public bool IsDefault => !SeccompUnconfined && Capabilities.Count == 0;
}
