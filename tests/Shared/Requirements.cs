using Vse.Host.Processes;

namespace Vse.Testing;

/// <summary>
/// What a test needs from the machine. Missing, the test is skipped with the reason; but CI
/// installs everything (scripts/install-deps.sh), so under <c>CI=true</c> a missing requirement
/// fails the test instead of letting a skip hide it. One file, linked into every test project.
/// </summary>
internal static class Requirements
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <returns>The tool's full path, found the way the code under test finds it.</returns>
    public static string Tool(string name)
    {
        var path = ExternalTool.Find(name);
        if (path is null)
        {
            Missing($"'{name}' is not installed (scripts/install-deps.sh installs it)");
        }

        return path!;
    }

    public static void Root()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Missing("needs root");
        }
    }

    public static void Missing(string reason)
    {
        if (InCi)
        {
            Assert.Fail($"{reason}; with CI=true every requirement must be met");
        }

        Skip.If(true, reason);
    }
}
