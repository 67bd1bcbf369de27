using System.Text;
using System.Text.Encodings.Web;
using Vse.Build.Layers;
using Vse.Build.Reproducible;
using Vse.Host.FileSystem;
using Vse.Runtime.Drivers;
using Vse.State.Deployments;

namespace Vse.Deploy.Online;

/// <summary>
/// <c>vse commit DEP/I --as FILE</c>: the text of a description that extends the instance's own
/// and reproduces what changed in it (<see cref="InstanceChanges"/>): <c>packages</c> add and
/// remove, then <c>files</c> steps in path order: <c>delete</c> for a deletion (and before a node
/// that changed type or a changed symlink), <c>mkdir</c> with the mode for a directory,
/// <c>write</c> with content and mode for a small text file, <c>link</c> for a symlink; last, one
/// <c>layer</c> step for what those cannot express (binary or large files, other owners than
/// root, FIFOs, and everything below a directory of another owner), archived beside FILE as a
/// <see cref="CapturedLayer"/> and named by its digest. Devices and sockets are refused, with
/// nothing written (docs/online.md, "vse commit").
/// </summary>
public static class InstanceCommit
{
    /// <summary>The largest file written as a <c>write</c> step: a description is for people to read.</summary>
    public const long LargestWrittenFile = 64 * 1024;

    /// <summary>What dpkg and apt write when packages change: the <c>packages</c> key reproduces it, not files steps.</summary>
    private static readonly string[] PackageManagerState =
        ["/var/lib/dpkg/", "/var/lib/apt/", "/var/cache/apt/", "/var/cache/debconf/", "/var/log/apt/", "/var/log/dpkg.log", "/var/cache/ldconfig/", "/etc/ld.so.cache"];

    /// <summary>Where the captured layer of the description <paramref name="file"/> is written: beside it, <c>NAME.layer.tar</c> for <c>NAME.vse.yaml</c>.</summary>
    public static string LayerArchivePath(string file)
    {
        var name = Path.GetFileName(file);
        foreach (var suffix in new[] { ".vse.yaml", ".vse.yml", ".yaml", ".yml" })
        {
            if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal))
            {
                name = name[..^suffix.Length];
                break;
            }
        }

        return Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, name + ".layer.tar");
    }

    /// <summary>The description reproducing what changed in a sandbox instance of a deployment made from a file.</summary>
    /// <param name="file">Where the description will be written (absolute); a captured layer is written beside it.</param>
    /// <exception cref="CommitRefusedException">The deployment recorded no description file, or a change no step or layer reproduces.</exception>
    public static async Task<CommittedDescription> WriteAsync(Workspace workspace, Deployment deployment, InstanceRecord instance, string file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(instance);
        var extends = deployment.Record.DescriptionPath
            ?? throw new CommitRefusedException($"deployment {deployment.Id} recorded no description file (deployed before vse recorded it, or not from a file): there is nothing to extend");
        var changes = await InstanceChanges.ReadAsync(workspace, deployment, instance, cancellationToken);
        var upper = DriverCatalog.UpperDirectory(DriverRuntime.Parse(deployment.Record.Driver), instance.StateDirectory)!;
        var configuration = await workspace.Configurations.GetAsync(changes.ConfigurationId, cancellationToken);
        return await WriteAsync(changes, upper, configuration.RootfsPath, configuration.Name, extends, $"instance {deployment.Id}/{instance.Index}", file, cancellationToken);
    }

    /// <param name="upper">The instance's overlay upper directory, where changed files' content is read (never following a link).</param>
    /// <param name="configurationRootfs">The configuration's root: the files of packages it had, which the instance removed, are the package's.</param>
    /// <param name="name">The new description's <c>name</c>.</param>
    /// <param name="extends">The instance's own description file (absolute).</param>
    /// <param name="origin">Said in the first comment line: which instance this came from.</param>
    /// <param name="file">Where the description will be written; the captured layer, if any, goes to <see cref="LayerArchivePath"/>.</param>
    /// <exception cref="CommitRefusedException">A change nothing reproduces (a device or socket), or the layer archive exists already.</exception>
    public static async Task<CommittedDescription> WriteAsync(
        InstanceChanges changes, string upper, string configurationRootfs, string name, string extends, string origin, string file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var text = new StringBuilder();
        text.Append("# Written by vse commit from ").Append(origin).Append(" (configuration ").Append(changes.ConfigurationId)
            .Append("): its description and what changed in the instance.\n");
        text.Append("vse: 1\nname: ").Append(name).Append('\n');
        text.Append("extends: ").Append(DoubleQuoted(extends)).Append('\n');

        var added = changes.Packages.Where(p => p.Before is null).Select(p => p.Name).ToList();
        var removed = changes.Packages.Where(p => p.After is null).Select(p => p.Name).ToList();
        foreach (var moved in changes.Packages.Where(p => p.Before is not null && p.After is not null))
        {
            // A description names packages, not versions: the build installs the suite's (and the lock file records it).
            text.Append("# ").Append(moved.Name).Append(": ").Append(moved.Before).Append(" -> ").Append(moved.After)
                .Append(" in the instance; a build installs the version its suite has\n");
        }

        if (added.Count + removed.Count > 0)
        {
            text.Append("packages: {add: [").AppendJoin(", ", added.Select(Quote)).Append("], remove: [").AppendJoin(", ", removed.Select(Quote)).Append("]}\n");
        }

        var packaged = changes.Packages.Count == 0 ? new HashSet<string>(StringComparer.Ordinal)
            : PackagedPaths([upper, configurationRootfs], changes.Packages.Select(p => p.Name), cancellationToken);
        var steps = new List<string>();
        // Trees already deleted: their entries need no step. Several, as a sibling such as /a-b sorts between /a and /a/c.
        var gone = new List<string>();
        // Directories of another owner than root: captured with everything added or changed below them.
        var capturedTrees = new List<string>();
        var captured = new List<FileChange>();
        foreach (var change in changes.Files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (gone.Any(tree => change.Path.StartsWith(tree + "/", StringComparison.Ordinal))
                || (changes.Packages.Count > 0 && (packaged.Contains(change.Path) || PackageManagerState.Any(p => change.Path.StartsWith(p, StringComparison.Ordinal) || change.Path + "/" == p)))
                || IsWrittenByTheInstance(change))
            {
                continue;
            }

            if (change.Kind == FileChangeKind.Deleted)
            {
                steps.Add($"{{delete: {Quote(change.Path)}}}");
                gone.Add(change.Path);
                continue;
            }

            var after = change.After!;
            if (after.Type is not (NodeType.Directory or NodeType.Symlink or NodeType.RegularFile or NodeType.Fifo))
            {
                throw new CommitRefusedException($"{change.Path}: a {after.Type} node; vse commit reproduces files, directories, links and FIFOs, not devices or sockets");
            }

            if (change.Kind == FileChangeKind.Changed && (change.Aspects.Contains("type") || after.IsSymlink))
            {
                // What was there goes first: a directory's entries, or the old link, are not the new node's.
                steps.Add($"{{delete: {Quote(change.Path)}}}");
                gone.Add(change.Path);
            }

            string? content = null;
            var expressible = !capturedTrees.Any(tree => change.Path.StartsWith(tree + "/", StringComparison.Ordinal))
                && after.Uid == 0 && after.Gid == 0 && after.Type != NodeType.Fifo
                && (after.Type != NodeType.RegularFile || (content = TextOf(upper, change.Path, after)) is not null);
            if (!expressible)
            {
                captured.Add(change);
                if (after.IsDirectory)
                {
                    capturedTrees.Add(change.Path);
                }

                continue;
            }

            steps.Add(after.Type switch
            {
                NodeType.Directory => $"{{mkdir: {Quote(change.Path)}, mode: {Mode(after)}}}",
                NodeType.Symlink => $"{{link: {Quote(change.LinkTarget!)}, to: {Quote(change.Path)}}}",
                _ => $"{{write: {Quote(change.Path)}, content: {Quote(content!)}, mode: {Mode(after)}}}",
            });
        }

        string? archive = null;
        if (captured.Count > 0)
        {
            // Last: the files steps made the directories it writes into, and deleted what it replaces.
            archive = LayerArchivePath(file);
            if (Nodes.TryGetStatus(archive) is not null)
            {
                throw new CommitRefusedException($"{archive} exists; vse commit writes the captured layer of {Path.GetFileName(file)} there and never overwrites it");
            }

            var digest = await CapturedLayer.WriteAsync(upper, captured, archive, cancellationToken);
            steps.Add($"{{layer: {Quote(Path.GetFileName(archive))}, digest: {Quote(digest)}}}");
        }

        if (steps.Count > 0)
        {
            text.Append("files:\n");
            foreach (var step in steps)
            {
                text.Append("  - ").Append(step).Append('\n');
            }
        }

        return new CommittedDescription(text.ToString(), archive);
    }

    /// <summary>A double-quoted YAML scalar (JSON's escapes are YAML's) whose <c>${</c> stays literal (the description language's <c>$${</c>).</summary>
    public static string Quote(string value) => DoubleQuoted(value).Replace("${", "$${", StringComparison.Ordinal);

    /// <summary>
    /// What the instance wrote by running, as <see cref="InstanceChanges"/> leaves it out (changes
    /// given here may come from elsewhere): an SSH host key its sshd made at start (images hold
    /// none, docs/security.md) is that instance's secret, never written into a description; an
    /// instance of the new one makes its own, and writes its own logs and ids.
    /// </summary>
    private static bool IsWrittenByTheInstance(FileChange change) =>
        change.Kind != FileChangeKind.Deleted && VolatileFiles.IsWrittenByEveryInstance(change.Path);

    /// <summary>
    /// JSON's string escapes, which YAML's double-quoted scalars share; quotes as \" and text as it
    /// is (not \u0022, \u00e9), as a description is for people to read. Control characters are escaped.
    /// </summary>
    private static string DoubleQuoted(string value) => "\"" + JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(value) + "\"";

    private static string Mode(NodeStatus status) =>
        Quote(Convert.ToString((int)status.Mode & 0xFFF, 8).PadLeft(4, '0'));

    /// <summary>The file's content when a <c>write</c> step can hold it (UTF-8 text without NUL or carriage return, at most <see cref="LargestWrittenFile"/>); else null.</summary>
    private static string? TextOf(string upper, string path, NodeStatus status)
    {
        if (status.Size > LargestWrittenFile)
        {
            return null;
        }

        using var directory = HostOpen.PathOnly(upper, HostOpen.Rule.Follow);
        using var stream = HostOpen.ReadRegularFile(path.TrimStart('/'), HostOpen.Rule.BeneathNoSymlinks, directory);
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(memory.ToArray());
            return text.Contains('\0', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal) ? null : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>The paths dpkg lists for the packages (<c>/var/lib/dpkg/info/NAME[:ARCH].list</c>) in either root.</summary>
    private static HashSet<string> PackagedPaths(IEnumerable<string> roots, IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var wanted = names.ToHashSet(StringComparer.Ordinal);
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var root in roots)
        {
            var info = Path.Combine(root, "var/lib/dpkg/info");
            if (Nodes.TryGetStatus(info) is not { IsDirectory: true })
            {
                continue;
            }

            using var directory = HostOpen.PathOnly(root, HostOpen.Rule.Follow);
            foreach (var list in Directory.EnumerateFiles(info, "*.list"))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var package = Path.GetFileNameWithoutExtension(list).Split(':')[0];
                if (!wanted.Contains(package) || Nodes.TryGetStatus(list) is not { Type: NodeType.RegularFile })
                {
                    continue;
                }

                using var reader = new StreamReader(HostOpen.ReadRegularFile(Path.GetRelativePath(root, list), HostOpen.Rule.BeneathNoSymlinks, directory));
                while (reader.ReadLine() is { } line)
                {
                    paths.Add(line);
                }
            }
        }

        return paths;
    }
}
