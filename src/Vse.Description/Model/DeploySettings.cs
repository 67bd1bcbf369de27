namespace Vse.Description.Model;

/// <summary><c>deploy</c>: what the description asks for when the command line does not say; null where it says nothing.</summary>
/// <param name="Driver"><c>sandbox</c> or <c>vm</c>.</param>
/// <param name="Writes">
/// <c>deploy.writes</c>, which no command-line option overrides: <see cref="InstanceWrites.Disk"/>
/// where the description says nothing.
/// </param>
public sealed record DeploySettings(string? Driver, int? Instances, int? PerNode, InstanceWrites Writes = InstanceWrites.Disk)
{
    public static DeploySettings Unset { get; } = new(null, null, null);
}
