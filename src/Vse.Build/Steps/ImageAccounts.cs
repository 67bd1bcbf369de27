using System.Globalization;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;

namespace Vse.Build.Steps;

/// <summary>
/// Resolves an <c>owner:</c> of a step (<c>USER[:GROUP]</c> or <c>UID[:GID]</c>) with the
/// image's own /etc/passwd and /etc/group: a name means what the image says, not the host.
/// </summary>
internal static class ImageAccounts
{
    public static async Task<ImageOwner> ResolveAsync(ImageRoot root, string owner, CancellationToken cancellationToken)
    {
        var parts = owner.Split(':', 2);
        var (uid, primaryGid) = await LookupAsync(root, "/etc/passwd", parts[0], idField: 2, groupField: 3, cancellationToken);
        var gid = parts.Length == 2
            ? (await LookupAsync(root, "/etc/group", parts[1], idField: 2, groupField: -1, cancellationToken)).Id
            : primaryGid ?? uid;
        return new ImageOwner(uid, gid);
    }

    private static async Task<(uint Id, uint? Group)> LookupAsync(ImageRoot root, string file, string name, int idField, int groupField, CancellationToken cancellationToken)
    {
        if (uint.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric))
        {
            return (numeric, null);
        }

        if (root.TryGetStatus(file, cancellationToken) is not null)
        {
            using var reader = new StreamReader(root.OpenRead(file, cancellationToken));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var fields = line.Split(':');
                if (fields.Length > Math.Max(idField, groupField) && fields[0] == name)
                {
                    return (uint.Parse(fields[idField], CultureInfo.InvariantCulture),
                        groupField >= 0 ? uint.Parse(fields[groupField], CultureInfo.InvariantCulture) : null);
                }
            }
        }

        throw new StepFailedException($"owner '{name}' is not in the image's {file}");
    }
}
