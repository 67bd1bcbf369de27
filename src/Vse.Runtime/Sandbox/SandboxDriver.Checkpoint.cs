using Vse.Host.Processes;
using Vse.Runtime.Drivers;
using Vse.Runtime.Oci;

namespace Vse.Runtime.Sandbox;

/// <summary>
/// Checkpoint and restore through the runtime's CRIU support (<c>runc checkpoint</c>,
/// <c>runc restore</c>). CRIU writes the images into the checkpoint directory and its own log
/// (<c>dump.log</c>, <c>restore.log</c>) into a work directory, which is where the real reason
/// for a failure is: the runtime's error only says "criu failed: type DUMP errno 0".
/// </summary>
public sealed partial class SandboxDriver : ICheckpointable
{
    public async Task CheckpointAsync(InstanceHandle handle, string checkpointDirectory, bool leaveRunning, CancellationToken cancellationToken)
    {
        RequireCriu("checkpoint an instance");
        await CheckpointUncheckedAsync(handle, checkpointDirectory, leaveRunning, cancellationToken);
    }

    public async Task RestoreAsync(InstanceHandle handle, string checkpointDirectory, CancellationToken cancellationToken)
    {
        // Refused before the instance is stopped: a restore that cannot happen must not end it.
        RequireCriu("restore an instance");
        var images = Path.GetFullPath(checkpointDirectory);
        if (!Directory.Exists(images))
        {
            throw new DirectoryNotFoundException($"there is no checkpoint of instance '{handle.Id}' at {images}");
        }

        await StopAsync(handle, KillTimeout, cancellationToken);
        if ((await StateAsync(handle, cancellationToken)).State != InstanceState.Missing)
        {
            // The stopped container's record holds the id; the bundle and the root stay.
            await RunAsync(["delete", handle.Id], cancellationToken);
        }

        // The bundle's granted mounts are made again by path: pinned first, checked after.
        using var pins = PinnedMounts.Open(GrantedMountsOf(handle));
        await WithCriuLogsAsync(handle, "restore", "restore.log", (log, work) =>
            RunIntoInitLogAsync(
                handle,
                ["--log", log, "--log-format", "json", "restore", "--detach", "--image-path", images, "--work-path", work, "--bundle", handle.StateDirectory, "--pid-file", InstanceProcess.PidFile(handle), handle.Id],
                cancellationToken),
            cancellationToken);
        try
        {
            pins.VerifyMountedIn(InstanceProcess.Pid(handle) ?? throw new IOException($"instance '{handle.Id}' has no process after restore"));
        }
        catch
        {
            await StopAsync(handle, KillTimeout, CancellationToken.None);
            throw;
        }
    }

    /// <summary>The granted mounts recorded in the instance's bundle.</summary>
    private static IEnumerable<InstanceMount> GrantedMountsOf(InstanceHandle handle)
    {
        return OciSpecBuilder.Read(handle.StateDirectory).Mounts.Where(OciSpecBuilder.IsGranted).Select(m => new InstanceMount(m.Destination, m.Source, ReadOnly: m.Options?.Contains("ro") == true));
    }

    /// <summary>
    /// The checkpoint itself, without asking whether CRIU works: the tests use it to hold the
    /// probe to what a real checkpoint does. Written under a temporary name and renamed at the
    /// end, so a failure leaves no half checkpoint and an earlier one where it was.
    /// </summary>
    internal async Task CheckpointUncheckedAsync(InstanceHandle handle, string checkpointDirectory, bool leaveRunning, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(checkpointDirectory);
        var partial = $"{target}.partial-{Guid.NewGuid():N}";
        Directory.CreateDirectory(partial);
        try
        {
            await WithCriuLogsAsync(handle, "checkpoint", "dump.log", (log, work) =>
                RunUncheckedAsync(
                    ["--log", log, "--log-format", "json", "checkpoint", "--image-path", partial, "--work-path", work, .. LeaveRunning(leaveRunning), handle.Id],
                    cancellationToken),
                cancellationToken);
            if (Directory.Exists(target))
            {
                Directory.Delete(target, recursive: true);
            }

            Directory.Move(partial, target);
        }
        finally
        {
            if (Directory.Exists(partial))
            {
                Directory.Delete(partial, recursive: true);
            }
        }
    }

    private void RequireCriu(string operation)
    {
        if (!Capabilities.Checkpoint)
        {
            var reason = _rootless is not null ? "vse runs unprivileged, and CRIU needs root" : criu?.Explanation ?? "CRIU was not probed (CriuProbe)";
            throw new DriverCapabilityMissingException(Name, operation, reason);
        }
    }

    /// <summary>
    /// Runs a CRIU call of the runtime with a runtime log and a CRIU work directory of its own,
    /// and turns a failure into CRIU's own reason; both are removed afterwards.
    /// </summary>
    private async Task WithCriuLogsAsync(
        InstanceHandle handle, string operation, string criuLogName, Func<string, string, Task<ExternalTool.Result>> run, CancellationToken cancellationToken)
    {
        var work = Path.Combine(handle.StateDirectory, $"criu-{operation}-{Guid.NewGuid():N}");
        var log = work + ".log";
        Directory.CreateDirectory(work);
        try
        {
            var result = await run(log, work);
            if (result.ExitCode == 0)
            {
                return;
            }

            var criuLog = Path.Combine(work, criuLogName);
            var criuError = File.Exists(criuLog) ? CriuLog.FirstError(await File.ReadAllTextAsync(criuLog, cancellationToken)) : null;
            var reason = criuError is not null
                ? "CRIU: " + criuError
                : $"{runtime.Name}: " + ((File.Exists(log) ? RuntimeLog.LastError(await File.ReadAllTextAsync(log, cancellationToken)) : null)
                    ?? RuntimeErrors.OneLine(result.Stderr, result.ExitCode));
            throw new CheckpointFailedException(operation, handle.Id, reason.ReplaceLineEndings(" "));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
            File.Delete(log);
        }
    }

    private static string[] LeaveRunning(bool leaveRunning) => leaveRunning ? ["--leave-running"] : [];
}
