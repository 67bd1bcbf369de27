namespace Vse.Deploy.Slurm;

/// <summary>
/// POSIX shell quoting for the one shell text vse writes: the Slurm batch script (sbatch runs a
/// script, not an argument list). Every value that reaches that script goes through
/// <see cref="Quote"/>, so a description's name, a path or a command word is always one word and
/// never shell syntax.
/// </summary>
public static class ShellQuoting
{
    /// <summary>
    /// <paramref name="value"/> as one shell word: in single quotes, where nothing is special, with
    /// each single quote written as <c>'\''</c> (close, escaped quote, reopen).
    /// </summary>
    /// <exception cref="ArgumentException">The value holds a NUL, which no shell word (or argv entry) can carry.</exception>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("a NUL character cannot be passed to a shell", nameof(value));
        }

        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Each of <paramref name="words"/> quoted, separated by spaces.</summary>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));
}
