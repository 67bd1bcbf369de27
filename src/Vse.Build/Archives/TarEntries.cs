using System.Formats.Tar;

namespace Vse.Build.Archives;

/// <summary>
/// Reading the next member of a tar archive, with one error for "this is not a readable tar":
/// System.Formats.Tar reports most malformed headers as <see cref="InvalidDataException"/>, but
/// some (a base-256 number field too large for its type, found by fuzzing) as
/// <see cref="OverflowException"/>, <see cref="FormatException"/> or <see cref="ArgumentException"/>,
/// and a truncated one as <see cref="EndOfStreamException"/>, which would otherwise reach the user as a bare .NET message and an infrastructure exit code.
/// </summary>
internal static class TarEntries
{
    public static async ValueTask<TarEntry?> NextAsync(TarReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException truncated)
        {
            throw new InvalidDataException("the tar archive ends in the middle of a member: it is truncated", truncated);
        }
        catch (Exception malformed) when (malformed is OverflowException or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"a tar header is malformed: {malformed.Message}", malformed);
        }
    }
}
