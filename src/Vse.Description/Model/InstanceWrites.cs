namespace Vse.Description.Model;

/// <summary><c>deploy.writes</c>: where a deployment's instances keep what they write to their root file system.</summary>
public enum InstanceWrites
{
    /// <summary>On disk, in each instance's state directory under the data directory (absent key: the default).</summary>
    Disk,

    /// <summary>
    /// In a tmpfs of the deployment's own, mounted on its state directory: the pages are charged to
    /// the memory cgroup of the instance that writes them, and all of it is gone at cleanup.
    /// </summary>
    Memory,
}
