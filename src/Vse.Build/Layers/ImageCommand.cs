namespace Vse.Build.Layers;

/// <summary>A command to run inside an image while it is built.</summary>
/// <param name="Arguments">argv; for a description's <c>run</c> this is <c>/bin/sh -c COMMAND</c>, run by the image's shell.</param>
/// <param name="HostNetwork">
/// Shares the host's network (apt fetching packages); otherwise the command gets a network
/// namespace of its own with loopback only.
/// </param>
public sealed record ImageCommand(IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment, bool HostNetwork = false)
{
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}
