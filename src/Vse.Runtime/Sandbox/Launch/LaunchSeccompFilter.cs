using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Vse.Host.Confinement;

namespace Vse.Runtime.Sandbox.Launch;

/// <summary>
/// Where the bulk launcher finds the compiled syscall filter (<see cref="SeccompFilter"/>), read by
/// the launcher once per launch, not once per instance. Either one file for every launch of a vse
/// home, named by the profile it compiles (<see cref="EnsureShared"/>): compiled by the first launch
/// that needs it, then only looked at, which keeps libseccomp and the compile off every one-shot
/// <c>vse run</c>; or, for a driver given no such directory, one file per deployment beside its
/// instances' state directories (<see cref="Ensure"/>).
/// </summary>
public static class LaunchSeccompFilter
{
    /// <summary>The per-deployment file's name in the deployment's directory; cleanup removes it with the deployment.</summary>
    public const string FileName = "seccomp.bpf";

    /// <summary>
    /// What the shared file's name says about the program in it: the profile's rules and this
    /// machine's architecture. A vse whose profile differs compiles a file of its own beside it
    /// rather than loading another version's program.
    /// </summary>
    public static string ProfileKey { get; } = KeyOf(SeccompProfile.Rules, RuntimeInformation.OSArchitecture);

    /// <summary>The per-deployment filter of the deployment whose instance has <paramref name="instanceStateDirectory"/>.</summary>
    public static string PathFor(string instanceStateDirectory) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(instanceStateDirectory).TrimEnd('/'))!, FileName);

    /// <summary>The per-deployment filter's path, the file written first when it is not there yet.</summary>
    public static string Ensure(string instanceStateDirectory)
    {
        var path = PathFor(instanceStateDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return SeccompFilter.Ensure(path);
    }

    /// <summary>The shared filter in <paramref name="directory"/> (private to vse: its home).</summary>
    public static string SharedPath(string directory) =>
        Path.Combine(Path.GetFullPath(directory), $"launch-seccomp-{ProfileKey}.bpf");

    /// <summary>The shared filter's path, compiled first when this profile has none there yet (written atomically: launches side by side may both compile it).</summary>
    public static string EnsureShared(string directory)
    {
        Directory.CreateDirectory(directory);
        return SeccompFilter.Ensure(SharedPath(directory));
    }

    /// <summary>A 64-bit hash of every field of every rule, in order, and of the architecture: the shared file's name.</summary>
    internal static string KeyOf(IReadOnlyList<SeccompRule> rules, Architecture architecture)
    {
        var text = new StringBuilder().Append(architecture).Append('\n');
        foreach (var rule in rules)
        {
            text.AppendJoin(',', rule.Names).Append('|').Append(rule.Errno.ToString(CultureInfo.InvariantCulture)).Append('|');
            foreach (var condition in rule.Conditions)
            {
                text.Append(CultureInfo.InvariantCulture, $"{condition.Index}:{(int)condition.Operator}:{condition.Value}:{condition.ValueTwo};");
            }

            text.Append('\n');
        }

        return XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(text.ToString())).ToString("x16", CultureInfo.InvariantCulture);
    }
}
