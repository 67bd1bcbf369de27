using Vse.Build.Layers;
using Vse.Build.Reproducible;
using Vse.Build.Steps;
using Vse.Host.FileSystem;
using Vse.Runtime.Drivers;
using Vse.State.Deployments;

namespace Vse.Deploy.Online;

/// <summary>
/// <c>vse diff DEP/I</c>: what changed in a running instance against its configuration, read on
/// the host from the instance's overlay upper directory (<see cref="UpperDirectoryChanges"/>) and
/// from dpkg's status file in both (packages installed, removed, or at another version), less
/// what every instance writes by running (<see cref="VolatileFiles.IsWrittenByEveryInstance"/>).
/// Nothing runs in the instance. docs/online.md.
/// </summary>
public sealed record InstanceChanges(string ConfigurationId, IReadOnlyList<FileChange> Files, IReadOnlyList<PackageChange> Packages)
{
    /// <exception cref="DriverCapabilityMissingException">The instance's driver keeps its changes where the host cannot read them (a VM's disk).</exception>
    public static async Task<InstanceChanges> ReadAsync(Workspace workspace, Deployment deployment, InstanceRecord instance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(instance);
        var recorded = DriverRuntime.Parse(deployment.Record.Driver);
        var upper = DriverCatalog.UpperDirectory(recorded, instance.StateDirectory)
            ?? throw new DriverCapabilityMissingException(recorded.Driver, "show an instance's changes", "they are blocks in the instance's disk, which only its guest reads; vse diff reads a sandbox's overlay on the host");
        if (!Directory.Exists(upper))
        {
            throw new InstanceAccessException($"instance {deployment.Id}/{instance.Index} has no changes to read (its state directory is gone: is it cleaned up?)");
        }

        var configuration = await workspace.Configurations.GetAsync(deployment.Record.ConfigurationId, cancellationToken);
        // What the instance wrote by running (its logs, ids, SSH host keys), not what was done in it;
        // a deletion of one of them is the user's, and stays.
        var files = UpperDirectoryChanges.Between(configuration.RootfsPath, upper, cancellationToken)
            .Where(change => change.Kind == FileChangeKind.Deleted || !VolatileFiles.IsWrittenByEveryInstance(change.Path))
            .ToList();
        var before = await PackagesAsync(configuration.RootfsPath, cancellationToken);
        // The status file as the instance sees it: the upper directory's when it was written, else the image's.
        var statusChange = files.FirstOrDefault(f => f.Path == InstalledPackages.StatusFile);
        var after = statusChange is null ? before
            : statusChange.Kind == FileChangeKind.Deleted ? new SortedDictionary<string, string>(StringComparer.Ordinal)
            : await PackagesAsync(upper, cancellationToken);
        var packages = before.Keys.Union(after.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(name => new PackageChange(name, before.GetValueOrDefault(name), after.GetValueOrDefault(name)))
            .Where(change => change.Before != change.After)
            .ToList();
        return new InstanceChanges(configuration.Id, files, packages);
    }

    private static async Task<SortedDictionary<string, string>> PackagesAsync(string root, CancellationToken cancellationToken)
    {
        using var directory = HostOpen.PathOnly(root, HostOpen.Rule.Follow);
        var relative = InstalledPackages.StatusFile.TrimStart('/');
        return Nodes.TryGetStatus(Path.Combine(root, relative)) is { Type: NodeType.RegularFile }
            ? await InstalledPackages.ReadStatusFileAsync(relative, HostOpen.Rule.BeneathNoSymlinks, directory, cancellationToken)
            : new SortedDictionary<string, string>(StringComparer.Ordinal);
    }
}
