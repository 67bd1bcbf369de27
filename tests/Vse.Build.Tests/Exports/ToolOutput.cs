using Vse.Host.Processes;

namespace Vse.Build.Tests.Exports;

/// <summary>Runs the standard tool that reads an export, after checking the machine has it.</summary>
internal static class ToolOutput
{
    private static readonly IReadOnlyDictionary<string, string> CLocale = new Dictionary<string, string> { ["LC_ALL"] = "C" };

    public static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var path = Requirements.Tool(tool);
        var result = await ExternalTool.RunAsync(path, arguments, CancellationToken.None, environment: CLocale);
        return result.Stdout;
    }
}
