using System.Diagnostics;
using System.Text;
using Vse.Description.Diagnostics;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Syntax;

/// <summary>
/// Files that are not descriptions, named where a description is expected (issue 15, hole 6):
/// each gets one error at once, never a read without end, a wait without end or its content
/// quoted back. Every resolve runs under a deadline, so a regression fails instead of hanging.
/// </summary>
public sealed class HostileFileTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static async Task<IReadOnlyList<Diagnostic>> ResolveFailsWithinDeadline(DescriptionWorkspace ws, string name)
    {
        var resolving = Task.Run(() => ws.Resolve(name));
        var result = await resolving.WaitAsync(Deadline);
        Assert.False(result.Succeeded, "expected failure, got:\n" + string.Join("\n", result.Diagnostics));
        return result.Diagnostics;
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    [Fact]
    public async Task Extending_dev_zero_is_refused_without_reading_it()
    {
        using var ws = new DescriptionWorkspace();
        var app = ws.Write("app", "vse: 1\nname: app\nextends: /dev/zero\n");

        var error = Single(await ResolveFailsWithinDeadline(ws, "app"), DiagnosticCodes.NotARegularFile);
        Assert.Equal(new SourceLocation("/dev/zero", 1, 1), error.Location);
        Assert.Contains("character device", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(app, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extending_a_fifo_is_refused_without_waiting_for_a_writer()
    {
        using var ws = new DescriptionWorkspace();
        MakeFifo(Path.Combine(ws.Root, "pipe.vse.yaml"));
        ws.Write("app", "vse: 1\nname: app\nextends: ./pipe.vse.yaml\n");

        var error = Single(await ResolveFailsWithinDeadline(ws, "app"), DiagnosticCodes.NotARegularFile);
        Assert.Contains("FIFO", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fifo_given_as_the_description_itself_is_refused()
    {
        using var ws = new DescriptionWorkspace();
        MakeFifo(ws.PathOf("app"));

        Single(await ResolveFailsWithinDeadline(ws, "app"), DiagnosticCodes.NotARegularFile);
    }

    [Fact]
    public async Task A_directory_named_by_path_is_refused()
    {
        using var ws = new DescriptionWorkspace();
        ws.CreateDirectory(Path.Combine(ws.Root, "dir.vse.yaml"));
        ws.Write("app", "vse: 1\nname: app\nextends: ./dir.vse.yaml\n");

        Assert.NotEmpty(await ResolveFailsWithinDeadline(ws, "app"));
    }

    [Fact]
    public async Task A_ten_mebibyte_description_is_refused_after_reading_at_most_the_limit()
    {
        using var ws = new DescriptionWorkspace();
        var big = new StringBuilder("vse: 1\nname: big\nenv:\n");
        for (var i = 0; big.Length < 10 * 1024 * 1024; i++)
        {
            big.Append("  K").Append(i).Append(": \"").Append('x', 100).Append("\"\n");
        }

        ws.Write("big", big.ToString());
        ws.Write("app", "vse: 1\nname: app\nextends: big\n");

        var error = Single(await ResolveFailsWithinDeadline(ws, "app"), DiagnosticCodes.FileTooLarge);
        Assert.Equal(ws.PathOf("big"), error.Location.File);
    }

    [Fact]
    public void The_byte_limit_is_on_what_is_read_so_a_file_one_byte_over_is_refused_and_one_at_it_is_read()
    {
        using var ws = new DescriptionWorkspace();
        var text = "vse: 1\nname: app\n";
        ws.Write("app", text);
        var exact = ws.Options() with { Limits = Vse.Description.Syntax.ReaderLimits.Default with { MaxFileBytes = Encoding.UTF8.GetByteCount(text) } };
        var under = exact with { Limits = exact.Limits with { MaxFileBytes = exact.Limits.MaxFileBytes - 1 } };

        Assert.True(DescriptionResolver.Resolve(ws.PathOf("app"), exact).Succeeded);
        Single(DescriptionResolver.Resolve(ws.PathOf("app"), under).Diagnostics, DiagnosticCodes.FileTooLarge);
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_refused()
    {
        using var ws = new DescriptionWorkspace();
        var app = ws.Write("app", "");
        File.WriteAllBytes(app, [.. "vse: 1\nname: app\ndescription: caf"u8, 0xE9, (byte)'\n']);

        Single(ws.ResolveFails("app"), DiagnosticCodes.NotUtf8);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_allowed()
    {
        using var ws = new DescriptionWorkspace();
        var app = ws.Write("app", "");
        File.WriteAllBytes(app, [0xEF, 0xBB, 0xBF, .. "vse: 1\nname: app\n"u8]);

        ws.ResolveOk("app");
    }
}
