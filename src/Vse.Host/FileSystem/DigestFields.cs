using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vse.Host.FileSystem;

/// <summary>
/// The field encoding of vse's tree digests (<c>ContentDigest.OfTreeAsync</c> for bases,
/// <see cref="CopySourceDigest"/> for copy sources): each field length-prefixed, so no file name
/// (newlines included) can make two trees hash alike, and one letter per node type.
/// </summary>
public static class DigestFields
{
    public const string Prefix = "sha256:";

    public static void Append(IncrementalHash hash, string value)
    {
        ArgumentNullException.ThrowIfNull(hash);
        var bytes = Encoding.UTF8.GetBytes(value);
        hash.AppendData(Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + ":"));
        hash.AppendData(bytes);
    }

    /// <summary>The permission bits as four octal digits (<c>0644</c>).</summary>
    public static string Mode(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    public static string TypeCode(NodeType type) => type switch
    {
        NodeType.RegularFile => "f",
        NodeType.Directory => "d",
        NodeType.Symlink => "l",
        NodeType.CharacterDevice => "c",
        NodeType.BlockDevice => "b",
        NodeType.Fifo => "p",
        NodeType.Socket => "s",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static string Finish(IncrementalHash hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        return Prefix + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
