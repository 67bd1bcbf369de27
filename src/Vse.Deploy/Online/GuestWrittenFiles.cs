using Vse.Host.FileSystem;

namespace Vse.Deploy.Online;

/// <summary>
/// Takes out of a VM's captured changes the files the guest agent wrote for the runtime: a
/// private network's <c>/etc/hosts</c>, hostfile and SSH keys. A sandbox gets them as bind
/// mounts, which never reach its upper directory; 9p shares directories only, so a VM gets them
/// copied into its root, where the overlay records them as changes. Removed, the step's layer
/// is the same whichever driver ran it. Their directories, where the instance made them and they
/// are empty now, go as a sandbox's mount points do (<see cref="CapturedChanges"/>).
/// </summary>
internal static class GuestWrittenFiles
{
    /// <param name="upper">The captured upper directory.</param>
    /// <param name="parentRootfs">The layer below.</param>
    /// <param name="targets">Where the agent wrote the files, as absolute paths in the guest.</param>
    public static void Remove(string upper, string parentRootfs, IReadOnlyList<string> targets)
    {
        var root = RealPath.Of(upper) ?? throw new DirectoryNotFoundException($"the captured changes are not at {upper}");
        var files = targets.Where(target => target.StartsWith('/') && !target.Split('/').Contains("..")).ToList();
        foreach (var target in files)
        {
            var path = Path.Combine(root, target.Trim('/'));
            // Only through real directories: a link the step left on the way would lead out of the upper directory.
            if (RealPath.Of(Path.GetDirectoryName(path)!) == Path.GetDirectoryName(path) && Nodes.TryGetStatus(path) is { Type: NodeType.RegularFile })
            {
                File.Delete(path);
            }
        }

        CapturedChanges.RemoveRuntimeMountPoints(upper, parentRootfs, files.Select(target => Path.GetDirectoryName(target) ?? "/"));
    }
}
