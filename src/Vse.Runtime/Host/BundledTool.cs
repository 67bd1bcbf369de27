namespace Vse.Runtime.Host;

/// <summary>
/// The C programs that ship with vse (native/): the bulk launcher and the guest agent. They are
/// built beside the source and copied beside the vse executable.
/// </summary>
public static class BundledTool
{
    /// <summary>Where vse finds one: the environment variable, beside vse itself, or on PATH; null when it is not built.</summary>
    public static string? Find(string name, string environmentVariable)
    {
        if (Environment.GetEnvironmentVariable(environmentVariable) is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var beside = Path.Combine(AppContext.BaseDirectory, name);
        return File.Exists(beside) ? beside : Vse.Build.Processes.ExternalTool.Find(name);
    }
}
