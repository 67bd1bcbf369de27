using System.Formats.Tar;

namespace Vse.Build.Archives;

/// <summary>
/// Reading the next member of a tar archive, with one error for "this is not a readable tar":
/// System.Formats.Tar reports most malformed headers as <see cref="InvalidDataException"/>, but
/// others (found by fuzzing: a base-256 number too large for its field, a PAX header whose size
/// field is too large) as <see cref="OverflowException"/> and other exception types, and a
/// truncated one as <see cref="EndOfStreamException"/>: each would reach the user as a bare .NET
/// message with an infrastructure exit code.
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
        catch (Exception malformed) when (malformed is not (IOException or InvalidDataException or OperationCanceledException))
        {
            throw new InvalidDataException($"a tar header is malformed: {malformed.Message}", malformed);
        }
    }
}
