using System.Diagnostics;
using Vse.Deploy.Slurm;

namespace Vse.Deploy.Tests.Slurm;

public sealed class ShellQuotingTests
{
    public static TheoryData<string> HostileValues => new()
    {
        "", "plain", "two words", "it's", "'", "''", "a'b'c", "$(touch /tmp/pwned)", "`id`", "$HOME", "${IFS}",
        "a;b", "a&&b", "a|b", "a\nb", "*", "~", "\\", "\"quoted\"", "-n", "#comment", "é ü 日本",
    };

    [Theory]
    [MemberData(nameof(HostileValues))]
    public void A_quoted_value_is_one_word_that_the_shell_gives_back_unchanged(string value)
    {
        // The real shell is the judge: printf prints its one argument exactly as it arrived.
        var start = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("printf '%s|' " + ShellQuoting.Quote(value));
        using var shell = Process.Start(start)!;
        var printed = shell.StandardOutput.ReadToEnd();
        shell.WaitForExit();
        Assert.Equal(0, shell.ExitCode);
        Assert.Equal(value + "|", printed);
    }

    [Fact]
    public void Single_quotes_are_closed_escaped_and_reopened()
    {
        Assert.Equal("'it'\\''s'", ShellQuoting.Quote("it's"));
    }

    [Fact]
    public void A_NUL_cannot_be_quoted()
    {
        Assert.Throws<ArgumentException>(() => ShellQuoting.Quote("a\0b"));
    }

    [Fact]
    public void Join_quotes_every_word()
    {
        Assert.Equal("'a b' 'c'", ShellQuoting.Join(["a b", "c"]));
    }
}
