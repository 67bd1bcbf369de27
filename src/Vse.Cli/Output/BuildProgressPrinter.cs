using Vse.Build;

namespace Vse.Cli.Output;

/// <summary>
/// Shows a build step by step: one line per step that ends as <c>cached</c> or <c>done</c> with
/// its time. On a terminal the running step's line shows the tool's latest output; elsewhere
/// (CI logs) tool output is printed only with <c>--verbose</c>.
/// </summary>
internal sealed class BuildProgressPrinter(TextWriter output, bool verbose) : IProgress<BuildEvent>
{
    private readonly bool _terminal = output == Console.Out ? !Console.IsOutputRedirected : output == Console.Error && !Console.IsErrorRedirected;
    private readonly object _gate = new();

    public void Report(BuildEvent value)
    {
        lock (_gate)
        {
            var prefix = $"[{value.Index}/{value.Count}] {Truncate(value.Title, 60)}";
            switch (value.Kind)
            {
                case BuildEventKind.Cached:
                    output.WriteLine($"{prefix}  cached");
                    break;
                case BuildEventKind.CachedAtSite:
                    output.WriteLine($"{prefix}  cached (site)");
                    break;
                case BuildEventKind.Started:
                    if (_terminal)
                    {
                        output.Write($"{prefix}  running");
                    }
                    else
                    {
                        output.WriteLine($"{prefix}  running");
                    }

                    break;
                case BuildEventKind.Output when verbose:
                    WriteAboveRunningLine($"    {value.Line}", prefix, value.Elapsed);
                    break;
                case BuildEventKind.Output when _terminal:
                    output.Write($"\r\x1b[K{prefix}  {Sizes.Duration(value.Elapsed)}  {Truncate(value.Line ?? "", Math.Max(10, Console.WindowWidth - prefix.Length - 14))}");
                    break;
                case BuildEventKind.Warning:
                    WriteAboveRunningLine($"{prefix}  warning: {value.Line}", prefix, value.Elapsed);
                    break;
                case BuildEventKind.Finished:
                    if (_terminal)
                    {
                        output.Write("\r\x1b[K");
                    }

                    output.WriteLine($"{prefix}  done {Sizes.Duration(value.Elapsed)}");
                    break;
            }
        }
    }

    /// <summary>A line of its own; on a terminal the running step's line is cleared first and written again below it.</summary>
    private void WriteAboveRunningLine(string line, string prefix, TimeSpan elapsed)
    {
        if (_terminal)
        {
            output.Write("\r\x1b[K");
        }

        output.WriteLine(line);
        if (_terminal)
        {
            output.Write($"{prefix}  running {Sizes.Duration(elapsed)}");
        }
    }

    private static string Truncate(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
