using System.CommandLine;

namespace Vse.Cli.Commands;

/// <summary>Options several commands share, defined once so they read and behave the same.</summary>
internal static class CommonOptions
{
    public static Option<string?> Target() => new("--target", "-t")
    {
        Description = "Apply each layer's targets.NAME block (per-system tuning, e.g. desktop, cluster)",
        HelpName = "NAME",
    };

    public static Argument<string> File() => new("FILE") { Description = "A description file (NAME.vse.yaml)" };
}
