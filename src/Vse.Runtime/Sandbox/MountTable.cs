using System.Text;

namespace Vse.Runtime.Sandbox;

/// <summary>Reads this process's mount table, to know whether a path is (still) a mount point.</summary>
internal static class MountTable
{
    private const string MountInfo = "/proc/self/mountinfo";

    public static async Task<bool> IsMountedAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (full.Length > 1)
        {
            full = full.TrimEnd('/');
        }

        foreach (var line in await File.ReadAllLinesAsync(MountInfo, cancellationToken))
        {
            // Fields: ID PARENT MAJOR:MINOR ROOT MOUNT_POINT ...; the mount point has spaces and
            // other specials as octal escapes (\040).
            var fields = line.Split(' ');
            if (fields.Length > 4 && Unescape(fields[4]) == full)
            {
                return true;
            }
        }

        return false;
    }

    private static string Unescape(string field)
    {
        if (!field.Contains('\\'))
        {
            return field;
        }

        var text = new StringBuilder();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length)
            {
                text.Append((char)Convert.ToInt32(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                text.Append(field[i]);
            }
        }

        return text.ToString();
    }
}
