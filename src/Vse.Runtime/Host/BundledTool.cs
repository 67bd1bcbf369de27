namespace Vse.Runtime.Host;

/// <summary>
/// The C programs that ship with vse (native/): the bulk launcher and the guest agent. They are
/// built beside the source and copied beside the vse executable.
/// </summary>
public static class BundledTool
{
    /// <summary>The VM guest agent (native/vse-agent): <c>VSE_AGENT</c>, beside vse, or on PATH.</summary>
    public static string? Agent() => Find("vse-agent", "VSE_AGENT");

    /// <summary>The bulk launcher (native/vse-launch): <c>VSE_LAUNCH</c>, beside vse, or on PATH.</summary>
    public static string? Launcher() => Find("vse-launch", "VSE_LAUNCH");

    /// <summary>Where vse finds one: the environment variable, beside vse itself, or on PATH; null when it is not built.</summary>
    private static string? Find(string name, string environmentVariable)
    {
        if (Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var beside = Path.Combine(AppContext.BaseDirectory, name);
        return File.Exists(beside) ? beside : Vse.Host.Processes.ExternalTool.Find(name);
    }
}
