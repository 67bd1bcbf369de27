using Vse.Build.Processes;

namespace Vse.Build.Layers;

/// <summary>
/// Runs a command inside an image during a build, never on the host: the parent layer is the
/// read-only lower directory of an overlay whose upper directory collects every change the
/// command makes; bubblewrap then confines the command to the merged tree with its own pid,
/// ipc and uts namespaces, a fresh /proc and a minimal /dev. The overlay is mounted in a
/// private mount namespace made by <c>unshare</c>, so it disappears with the process, a crash
/// included, and the host's mount table never sees it. The host network is shared, as builds
/// fetch packages.
/// </summary>
public static class OverlaySandbox
{
    // A fixed script: every value, paths and command alike, arrives as a positional argument and
    // is never parsed by the shell. It mounts the overlay, then becomes the remaining command.
    private const string MountThenExec = """
        set -eu
        mount -t overlay overlay -o "lowerdir=$1,upperdir=$2,workdir=$3" "$4"
        shift 4
        exec "$@"
        """;

    public static async Task RunAsync(
        string lower, string upper, string work, string merged, ImageCommand command, Action<string>? onOutputLine, CancellationToken cancellationToken)
    {
        foreach (var path in new[] { lower, upper, work, merged })
        {
            // overlayfs options are a comma-separated list; such a path would change their meaning.
            if (path.IndexOfAny([',', ':']) >= 0)
            {
                throw new ArgumentException($"store path '{path}' contains ',' or ':', which overlayfs options cannot carry; choose another VSE_HOME");
            }
        }

        var unshare = ExternalTool.Require("unshare", "util-linux");
        var bwrap = ExternalTool.Require("bwrap", "bubblewrap");
        ExternalTool.Require("mount", "mount");
        Directory.CreateDirectory(upper);
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(merged);
        var hadResolvConf = File.Exists(Path.Combine(lower, "etc", "resolv.conf"));

        List<string> arguments =
        [
            "--mount", "--propagation", "private", "--",
            "/bin/sh", "-c", MountThenExec, "vse-build", lower, upper, work, merged,
            bwrap,
            "--bind", merged, "/",
            "--dev", "/dev",
            "--proc", "/proc",
            "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "vse-build",
            // No --die-with-parent: its signal fires when the *thread* that forked bwrap exits,
            // and .NET forks from thread-pool threads, which retire when idle: a long step
            // (apt installing a compiler) was SIGKILLed mid-way (exit 137). A killed vse's step
            // runs to its end in its own mount namespace; `vse gc` removes what it leaves.
            "--ro-bind-try", "/etc/resolv.conf", "/etc/resolv.conf",
            "--chdir", command.WorkingDirectory,
            "--clearenv",
        ];
        foreach (var (key, value) in command.Environment)
        {
            arguments.AddRange(["--setenv", key, value]);
        }

        arguments.Add("--");
        arguments.AddRange(command.Arguments);
        try
        {
            await ExternalTool.RunAsync(unshare, arguments, cancellationToken, onOutputLine);
        }
        finally
        {
            RemoveMountPoints(upper, hadResolvConf);
        }
    }

    /// <summary>
    /// bubblewrap creates the mount points it needs; when the image lacked them they would land
    /// in the layer as empty files, so they are taken out again.
    /// </summary>
    private static void RemoveMountPoints(string upper, bool hadResolvConf)
    {
        var resolvConf = Path.Combine(upper, "etc", "resolv.conf");
        if (!hadResolvConf && File.Exists(resolvConf) && new FileInfo(resolvConf).Length == 0)
        {
            File.Delete(resolvConf);
        }
    }
}
