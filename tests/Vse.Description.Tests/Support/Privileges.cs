using System.Runtime.InteropServices;

namespace Vse.Description.Tests.Support;

/// <summary>
/// Trust (DESIGN §2.3) depends on who owns a file, so policy tests need to create root-owned files
/// and hand some to another user: they run as root and are skipped, with this reason, otherwise.
/// </summary>
public static partial class Privileges
{
    public const string NeedsRoot = "needs root: trusted site layers are root-owned files, and the test chowns files to another user";

    public static bool IsRoot => Geteuid() == 0;

    /// <summary>chown(2); throws when it fails, so a test never silently checks the wrong thing.</summary>
    public static void Chown(string path, int uid, int gid)
    {
        if (ChownNative(path, uid, gid) != 0)
        {
            throw new IOException($"chown {path} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint Geteuid();

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int ChownNative(string path, int owner, int group);
}
