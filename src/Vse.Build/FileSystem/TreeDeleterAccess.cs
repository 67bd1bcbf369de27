namespace Vse.Build.FileSystem;

/// <summary>Deletes a whole tree of the store (a layer, a temporary) without following symlinks.</summary>
public static class TreeDeleterAccess
{
    public static void Delete(string hostPath) => TreeDeleter.Delete(hostPath, CancellationToken.None);
}
