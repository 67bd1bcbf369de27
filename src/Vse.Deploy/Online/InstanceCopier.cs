using System.Text;
using Vse.Host.FileSystem;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;
using Vse.State.Deployments;

namespace Vse.Deploy.Online;

/// <summary>
/// <c>vse cp</c>: files and trees between the host and an instance, as a tar stream through an
/// ordinary exec of the instance's own <c>tar</c> (so it works alike for every driver that can
/// exec: both sandbox start paths and VMs, through the guest agent). Inside the instance every
/// path is resolved by the instance's kernel view, inside its root: a symlink there, absolute or
/// full of <c>..</c>, can only lead to another place in the instance, never to the host. What
/// the instance sends back is checked (<see cref="CopiedArchive"/>) before the host's tar
/// extracts it, into a fresh directory beside the destination that is then renamed into place.
/// Modes are kept both ways; copied in, files belong to the instance's root; copied out, to the
/// caller, without set-user-id and set-group-id bits. docs/online.md.
/// </summary>
public sealed class InstanceCopier(DeploymentManager instances)
{
    /// <summary>
    /// Unpacks the archive on stdin at <c>$1</c> (an instance path): into it when it is a
    /// directory, else as it, through a temporary directory beside it. <c>$2</c> is the archive's
    /// one top-level name. Fixed text; paths arrive only as positional arguments.
    /// </summary>
    internal const string UnpackScript = """
        dest=$1 name=$2
        if [ -d "$dest" ]; then exec tar -xpf - -C "$dest"; fi
        parent=${dest%/*}; parent=${parent:-/}
        if [ ! -d "$parent" ]; then echo "$parent: no such directory in the instance" >&2; exit 3; fi
        tmp=$(mktemp -d "$parent/.vse-cp.XXXXXX") || exit 3
        tar -xpf - -C "$tmp" && mv -f "$tmp/$name" "$dest"; status=$?
        rm -rf "$tmp"
        exit $status
        """;

    /// <summary>Archives <c>$2</c> of the directory <c>$1</c> (an instance path) to stdout, a symlink as itself.</summary>
    internal const string PackScript = """
        cd "$1" 2>/dev/null || { echo "$1: no such directory in the instance" >&2; exit 3; }
        if [ ! -e "$2" ] && [ ! -L "$2" ]; then echo "${1%/}/$2: no such file or directory in the instance" >&2; exit 3; fi
        exec tar -cf - "./$2"
        """;

    private static string Tar => ExternalTool.Require("tar", "tar");

    /// <summary>Copies the host's <paramref name="hostSource"/> (a file, a tree, a symlink as itself) to <paramref name="instanceDestination"/>.</summary>
    public async Task CopyInAsync(Deployment deployment, int index, string hostSource, string instanceDestination, CancellationToken cancellationToken)
    {
        var source = Path.GetFullPath(hostSource);
        source = source.Length > 1 ? Path.TrimEndingDirectorySeparator(source) : source;
        if (source == "/" || Nodes.TryGetStatus(source) is null)
        {
            throw new InstanceAccessException(source == "/" ? "vse cp copies a file or directory below /, not the host's whole root" : $"{hostSource}: no such file or directory");
        }

        var destination = InstancePaths.Normalize(instanceDestination);
        var name = Path.GetFileName(source);
        var archive = Path.Combine(Path.GetTempPath(), $"vse-cp-{Guid.NewGuid():N}.tar");
        try
        {
            // Owners as the instance's root: a host user's uid means nothing inside.
            await ExternalTool.RunAsync(Tar, ["-cf", archive, "--owner=0", "--group=0", "--numeric-owner", "-C", Path.GetDirectoryName(source)!, "./" + name], cancellationToken);
            await using var input = File.OpenRead(archive);
            await RunInInstanceAsync(deployment, index, ["/bin/sh", "-c", UnpackScript, "vse-cp", destination, name], input, Stream.Null, cancellationToken);
        }
        finally
        {
            File.Delete(archive);
        }
    }

    /// <summary>Copies the instance's <paramref name="instanceSource"/> to <paramref name="hostDestination"/> (into it when it is a directory).</summary>
    public async Task CopyOutAsync(Deployment deployment, int index, string instanceSource, string hostDestination, CancellationToken cancellationToken)
    {
        var (parent, name) = InstancePaths.Split(InstancePaths.Normalize(instanceSource));
        var destination = Path.GetFullPath(hostDestination);
        if (Directory.Exists(destination))
        {
            destination = Path.Combine(destination, name);
        }

        var destinationParent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(destination))
            ?? throw new InstanceAccessException($"{hostDestination}: cannot be replaced");
        if (!Directory.Exists(destinationParent))
        {
            throw new InstanceAccessException($"{destinationParent}: no such directory");
        }

        // Beside the destination: the finished copy is renamed into place, on the same file system.
        var staging = Path.Combine(destinationParent, $".vse-cp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var archive = Path.Combine(staging, "archive.tar");
            await using (var output = new FileStream(archive, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                await RunInInstanceAsync(deployment, index, ["/bin/sh", "-c", PackScript, "vse-cp", parent, name], Stream.Null, output, cancellationToken);
                output.Position = 0;
                await CopiedArchive.CheckAsync(output, name, cancellationToken);
            }

            var tree = Path.Combine(staging, "tree");
            Directory.CreateDirectory(tree);
            await ExternalTool.RunAsync(Tar, ["-xpf", archive, "--no-same-owner", "-C", tree], cancellationToken);
            var copied = Path.Combine(tree, name);
            DropSetIdBits(copied, cancellationToken);
            if (NodeOperations.Rename(copied, destination) is not 0 and var errno)
            {
                throw new InstanceAccessException($"{destination}: cannot be replaced ({HostError.Of(errno, "rename onto", destination).Message})");
            }
        }
        finally
        {
            TreeDeleter.Delete(staging, CancellationToken.None);
        }
    }

    /// <summary>A set-user-id program the instance made must not become the caller's (root's) on the host.</summary>
    private static void DropSetIdBits(string root, CancellationToken cancellationToken)
    {
        foreach (var entry in TreeWalker.Walk(root, FileSystemBoundary.Stay, cancellationToken))
        {
            if (!entry.Status.IsSymlink && (entry.Status.Mode & (UnixFileMode.SetUser | UnixFileMode.SetGroup)) != 0)
            {
                File.SetUnixFileMode(entry.HostPath, entry.Status.Mode & ~(UnixFileMode.SetUser | UnixFileMode.SetGroup));
            }
        }
    }

    private async Task RunInInstanceAsync(Deployment deployment, int index, IReadOnlyList<string> argv, Stream input, Stream output, CancellationToken cancellationToken)
    {
        using var errors = new MemoryStream();
        var exitCode = await instances.ExecAsync(deployment, index, new ExecRequest(argv, WorkingDirectory: "/", Stdin: input, Stdout: output, Stderr: errors), cancellationToken);
        var message = Encoding.UTF8.GetString(errors.ToArray()).Trim().ReplaceLineEndings("; ");
        switch (exitCode)
        {
            case 0:
                return;
            case 3:
                throw new InstanceAccessException(message);
            case 127:
                throw new InstanceAccessException($"the instance has no /bin/sh to copy with ({message})");
            default:
                throw new IOException($"the copy in the instance failed (exit code {exitCode}): {(message.Length > 0 ? message : "no message; does the image have tar?")}");
        }
    }
}
