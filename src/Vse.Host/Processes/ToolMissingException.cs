namespace Vse.Host.Processes;

/// <summary>A required external tool is not installed; the message names the Debian package.</summary>
public sealed class ToolMissingException(string tool, string debianPackage)
    : Exception($"'{tool}' is not installed (Debian package {debianPackage}; scripts/install-deps.sh installs it)")
{
    public string Tool { get; } = tool;

    public string DebianPackage { get; } = debianPackage;
}
