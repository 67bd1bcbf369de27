using System.Text.RegularExpressions;

namespace Vse.Deploy.Slurm;

/// <summary>Slurm's time limit syntax (<c>sbatch --time</c>), checked before submission so a typo is exit code 2, not an sbatch error.</summary>
public static partial class SlurmTimeLimit
{
    /// <summary>
    /// <c>MINUTES</c>, <c>MINUTES:SECONDS</c>, <c>HOURS:MINUTES:SECONDS</c>, <c>DAYS-HOURS</c>,
    /// <c>DAYS-HOURS:MINUTES</c>, <c>DAYS-HOURS:MINUTES:SECONDS</c>, or <c>UNLIMITED</c>/<c>INFINITE</c>.
    /// </summary>
    public static bool IsValid(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value is "UNLIMITED" or "INFINITE" or "unlimited" or "infinite" || Pattern().IsMatch(value);
    }

    [GeneratedRegex(@"^(?:\d{1,9}(?::\d{1,2}){0,2}|\d{1,5}-\d{1,2}(?::\d{1,2}){0,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
