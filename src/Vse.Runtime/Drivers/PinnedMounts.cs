using Microsoft.Win32.SafeHandles;
using Vse.Host.FileSystem;

namespace Vse.Runtime.Drivers;

/// <summary>
/// The host objects behind an instance's mounts, opened before a runtime mounts them. A mount
/// source reaches a driver as an absolute path with no symlink in it: deploy canonicalised it and
/// checked it against site policy after the build. Someone who owns a directory on that path
/// could still swap it for a symlink to <c>/etc</c> before the runtime mounts it (the class of
/// CVE-2021-30465), and the runtime would follow the link. So each source is opened here with
/// <c>openat2</c> and <c>RESOLVE_NO_SYMLINKS</c> (a symlink anywhere on the path is an error, not a
/// detour), and then either
/// <list type="bullet">
/// <item>handed on as <c>/proc/PID/fd/N</c> to a program that opens it (QEMU's 9p shares): it gets
/// exactly the pinned object; or</item>
/// <item>mounted by path by a runtime in another mount namespace (runc, crun: a bind mount cannot
/// take another namespace's descriptor), then <see cref="VerifyMountedIn"/> before anything of
/// the instance runs: what is mounted at each target must be the pinned object.</item>
/// </list>
/// </summary>
public sealed class PinnedMounts : IDisposable
{
    private readonly List<SafeFileHandle> _descriptors;
    private readonly IReadOnlyList<InstanceMount> _sources;

    private PinnedMounts(IReadOnlyList<InstanceMount> sources, List<SafeFileHandle> descriptors)
    {
        _sources = sources;
        _descriptors = descriptors;
        Mounts = [.. sources.Zip(descriptors, (mount, fd) => mount with { Source = $"/proc/{Environment.ProcessId}/fd/{fd.DangerousGetHandle()}" })];
    }

    /// <summary>
    /// The mounts with each source replaced by this process's descriptor path of the object it
    /// named (<c>/proc/PID/fd/N</c>, not <c>/proc/self</c>: another process opens it).
    /// </summary>
    public IReadOnlyList<InstanceMount> Mounts { get; }

    /// <exception cref="MountSourceException">A source is missing, relative, or has a symlink on its path.</exception>
    public static PinnedMounts Open(IEnumerable<InstanceMount> mounts)
    {
        var sources = mounts.ToList();
        var descriptors = new List<SafeFileHandle>();
        try
        {
            foreach (var mount in sources)
            {
                descriptors.Add(OpenSource(mount));
            }
        }
        catch
        {
            descriptors.ForEach(fd => fd.Dispose());
            throw;
        }

        return new PinnedMounts(sources, descriptors);
    }

    /// <summary>
    /// Checks that what is mounted at each target in the instance whose init is
    /// <paramref name="pid"/> is the object pinned for it; the target resolved as the instance
    /// sees it (inside its root, through <c>/proc/PID/root</c>).
    /// </summary>
    /// <exception cref="MountSourceException">A target shows another object: the source changed between check and mount.</exception>
    public void VerifyMountedIn(int pid)
    {
        using var root = HostOpen.PathOnly($"/proc/{pid}/root", HostOpen.Rule.Follow);
        for (var i = 0; i < _sources.Count; i++)
        {
            var mount = _sources[i];
            SafeFileHandle target;
            try
            {
                target = HostOpen.PathOnly(mount.Target.TrimStart('/'), HostOpen.Rule.InRoot, root);
            }
            catch (IOException e)
            {
                throw new MountSourceException(mount, $"its target is not there in the instance ({e.Message})");
            }

            using (target)
            {
                if (!HostOpen.StatusOf(target).IsSameNodeAs(HostOpen.StatusOf(_descriptors[i])))
                {
                    throw new MountSourceException(mount, "the path changed after site policy checked it, and the instance got another object; it was stopped before it ran");
                }
            }
        }
    }

    private static SafeFileHandle OpenSource(InstanceMount mount)
    {
        if (!mount.Source.StartsWith('/'))
        {
            throw new MountSourceException(mount, "it is not an absolute path");
        }

        try
        {
            return HostOpen.PathOnly(mount.Source, HostOpen.Rule.NoSymlinks);
        }
        catch (IOException e)
        {
            throw new MountSourceException(mount, e.HResult switch
            {
                // The path was symlink-free when policy checked it.
                HostError.TooManySymlinks => "a symlink appeared on its path after site policy checked it; nothing was mounted",
                HostError.NoSuchFile => "it does not exist",
                _ => e.Message,
            });
        }
    }

    public void Dispose()
    {
        foreach (var fd in _descriptors)
        {
            fd.Dispose();
        }

        _descriptors.Clear();
    }
}
