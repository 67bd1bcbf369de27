namespace Vse.Build.Steps;

/// <summary>
/// The description's <c>env</c> in the image's <c>/etc/environment</c>, which pam_env reads for
/// every login (an ssh session, how <c>mpirun</c> starts ranks on the other instances; a VM's
/// console). The runtime gives env to the processes it starts itself; this file gives it to the
/// rest. Lines for other variables that the image had are kept.
/// </summary>
internal static class EnvironmentFile
{
    public const string Path = "/etc/environment";

    /// <summary>
    /// Plain <c>KEY=VALUE</c> lines, the format pam_env reads without a shell: nothing in them is
    /// ever expanded or run. pam_env cannot hold a value with a line break; such a variable is
    /// left out (the runtime still sets it for the processes it starts).
    /// </summary>
    public static string Merge(string existing, IReadOnlyDictionary<string, string> env)
    {
        var kept = existing.Split('\n')
            .Where(line => line.Length > 0 && !env.ContainsKey(KeyOf(line)))
            .ToList();
        kept.AddRange(env
            .Where(variable => !variable.Value.Contains('\n') && !variable.Value.Contains('\r'))
            .OrderBy(variable => variable.Key, StringComparer.Ordinal)
            .Select(variable => $"{variable.Key}={variable.Value}"));
        return kept.Count == 0 ? "" : string.Join('\n', kept) + "\n";
    }

    private static string KeyOf(string line)
    {
        var text = line.TrimStart();
        text = text.StartsWith("export ", StringComparison.Ordinal) ? text[7..].TrimStart() : text;
        var equals = text.IndexOf('=');
        return equals < 0 ? text : text[..equals].Trim();
    }
}
