namespace Vse.Description.Model;

/// <summary><c>deploy</c>: what the description asks for when the command line does not say; null where it says nothing.</summary>
/// <param name="Driver"><c>sandbox</c> or <c>vm</c>.</param>
public sealed record DeploySettings(string? Driver, int? Instances, int? PerNode)
{
    public static DeploySettings Unset { get; } = new(null, null, null);
}
