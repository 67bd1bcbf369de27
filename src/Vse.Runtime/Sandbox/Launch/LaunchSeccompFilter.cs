using Vse.Host.Confinement;

namespace Vse.Runtime.Sandbox.Launch;

/// <summary>
/// Where the bulk launcher finds the compiled syscall filter (<see cref="SeccompFilter"/>): one
/// file per deployment, beside its instances' state directories, written by the first launch (or
/// exec) that needs it and read by the launcher once per launch, not once per instance.
/// </summary>
public static class LaunchSeccompFilter
{
    /// <summary>The file's name in the deployment's directory; cleanup removes it with the deployment.</summary>
    public const string FileName = "seccomp.bpf";

    /// <summary>The filter of the deployment whose instance has <paramref name="instanceStateDirectory"/>.</summary>
    public static string PathFor(string instanceStateDirectory) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(instanceStateDirectory).TrimEnd('/'))!, FileName);

    /// <summary>The filter's path, the file written first when it is not there yet.</summary>
    public static string Ensure(string instanceStateDirectory)
    {
        var path = PathFor(instanceStateDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return SeccompFilter.Ensure(path);
    }
}
