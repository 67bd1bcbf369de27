namespace Vse.Cli.Tests;

/// <summary>
/// What a test needs from the machine. Missing, the test is skipped with the reason; under
/// <c>CI=true</c> (where .ci/run installs everything) it fails instead, so a skip never hides a gap.
/// </summary>
internal static class Requirements
{
    public static void Root()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Missing("needs root (overlay mounts for build steps)");
        }
    }

    private static void Missing(string reason)
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{reason}; with CI=true every requirement must be met");
        }

        Skip.If(true, reason);
    }
}
