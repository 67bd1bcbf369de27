using System.Text.RegularExpressions;
using Vse.Host.FileSystem;
using Vse.Host.Processes;

namespace Vse.Runtime.Tests.Vm;

/// <summary>
/// Issue 15, fuzzing: the guest agent's decoding of what a host sends (native/vse-agent/frames.h,
/// the code PID 1 of every guest runs) under libFuzzer with AddressSanitizer and
/// UndefinedBehaviorSanitizer, for the bounded time of the harness's Makefile (20 s). A crash, a
/// sanitizer report or a broken invariant fails the test with the fuzzer's report. Longer runs
/// by hand: <c>make -C native/vse-agent/fuzz run SECONDS=3600</c>.
/// </summary>
public sealed partial class AgentFrameFuzzTests : IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("vse-agent-fuzz-").FullName;

    [SkippableFact]
    public async Task The_agents_frame_decoding_survives_a_bounded_libFuzzer_run()
    {
        Requirements.Tool("clang");
        Requirements.Tool("make");
        // A copy of the sources, so the fuzzer's binary, corpus and any crash stay out of the tree.
        var native = Path.Combine(RepositoryRoot(), "native");
        Directory.CreateDirectory(Path.Combine(_copy, "vse-agent", "fuzz"));
        Directory.CreateDirectory(Path.Combine(_copy, "common"));
        File.Copy(Path.Combine(native, "vse-agent", "frames.h"), Path.Combine(_copy, "vse-agent", "frames.h"));
        File.Copy(Path.Combine(native, "common", "cidr.h"), Path.Combine(_copy, "common", "cidr.h"));
        foreach (var name in (string[])["Makefile", "frames-fuzz.c", "seeds.sh"])
        {
            File.Copy(Path.Combine(native, "vse-agent", "fuzz", name), Path.Combine(_copy, "vse-agent", "fuzz", name));
        }

        var fuzz = Path.Combine(_copy, "vse-agent", "fuzz");
        var run = await ExternalTool.RunUncheckedAsync("make", ["-s", "-C", fuzz, "run"], CancellationToken.None);

        var report = run.Stdout + run.Stderr;
        Assert.True(run.ExitCode == 0, $"the fuzzer failed (exit {run.ExitCode}):\n{Tail(report)}");
        var executed = ExecutedUnits().Match(report);
        Assert.True(executed.Success, $"no fuzzer statistics in its output:\n{Tail(report)}");
        Assert.True(long.Parse(executed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 1000, Tail(report));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(fuzz, "crashes")));
    }

    private static string RepositoryRoot()
    {
        for (var directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "vse.slnx")))
            {
                return directory;
            }
        }

        throw new DirectoryNotFoundException($"no vse.slnx above {AppContext.BaseDirectory}");
    }

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

    [GeneratedRegex(@"stat::number_of_executed_units:\s*(\d+)")]
    private static partial Regex ExecutedUnits();

    public void Dispose() => TreeDeleter.Delete(_copy);
}
