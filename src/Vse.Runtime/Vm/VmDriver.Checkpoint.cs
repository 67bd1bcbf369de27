using System.Net.Sockets;
using System.Text.Json.Nodes;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Runtime.Drivers;
using Vse.Runtime.Vm.Qmp;

namespace Vse.Runtime.Vm;

/// <summary>
/// Checkpoints as QEMU migrations into a file: QEMU streams the machine's whole state (memory,
/// devices, vCPUs) to a socket vse listens on, and a restore starts the same machine with
/// <c>-incoming</c> and streams it back. A VM's checkpoint also keeps a copy of the instance's
/// disk overlay as it was at that moment, since a guest's memory (its page cache, the file
/// system's journal state) must come back with exactly the disk it had.
/// </summary>
public sealed partial class VmDriver
{
    private const string MemoryFile = "memory";
    private const string DiskFile = "disk.qcow2";
    private static readonly TimeSpan MigrationPoll = TimeSpan.FromMilliseconds(50);

    public async Task CheckpointAsync(InstanceHandle handle, string checkpointDirectory, bool leaveRunning, CancellationToken cancellationToken)
    {
        var files = new VmFiles(handle.StateDirectory);
        if (files.Current() is not { } run || QemuProcess.Running(run) is not { } pid)
        {
            throw new IOException($"the VM of instance '{handle.Id}' is not running");
        }

        var target = Path.GetFullPath(checkpointDirectory);
        var staging = $"{target}.new-{Guid.NewGuid():N}";
        Directory.CreateDirectory(staging);
        await using var monitor = await QmpClient.ConnectAsync(run.Monitor, cancellationToken);
        try
        {
            await SaveAsync(monitor, run, Path.Combine(staging, MemoryFile), cancellationToken);
            // QEMU flushed and let go of the disk when the migration completed; the guest is stopped.
            File.Copy(files.Disk, Path.Combine(staging, DiskFile));
        }
        catch
        {
            TreeDeleter.Delete(staging, CancellationToken.None);
            // A migration that failed or was cancelled leaves the guest running or stopped;
            // either way it carries on as before.
            await monitor.ExecuteAsync("cont", null, CancellationToken.None);
            throw;
        }

        ReplaceDirectory(staging, target);
        if (leaveRunning)
        {
            await monitor.ExecuteAsync("cont", null, cancellationToken);
            return;
        }

        await monitor.ExecuteAsync("quit", null, cancellationToken);
        await QemuProcess.WaitEndedAsync(pid, run, QuitTimeout, PollInterval, cancellationToken);
    }

    public async Task RestoreAsync(InstanceHandle handle, string checkpointDirectory, CancellationToken cancellationToken)
    {
        var files = new VmFiles(handle.StateDirectory);
        var memory = Path.Combine(checkpointDirectory, MemoryFile);
        var disk = Path.Combine(checkpointDirectory, DiskFile);
        if (!File.Exists(memory) || !File.Exists(disk))
        {
            throw new FileNotFoundException($"{checkpointDirectory} is not a VM checkpoint (it needs '{MemoryFile}' and '{DiskFile}')");
        }

        foreach (var old in files.AllRuns().ToList())
        {
            await KillAsync(old);
        }

        File.Copy(disk, files.Disk, overwrite: true);
        var run = files.NextRun();
        await LaunchAsync(files, run, ["-incoming", "unix:" + run.MigrationSocket], cancellationToken);
        files.MakeCurrent(run);
        try
        {
            using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(run.MigrationSocket), cancellationToken);
                await using var stream = new NetworkStream(socket, ownsSocket: false);
                await using var saved = File.OpenRead(memory);
                await saved.CopyToAsync(stream, cancellationToken);
                socket.Shutdown(SocketShutdown.Send);
            }

            await using var monitor = await QmpClient.ConnectAsync(run.Monitor, cancellationToken);
            await WaitMigratedAsync(monitor, incoming: true, cancellationToken);
            await monitor.ExecuteAsync("cont", null, cancellationToken);
        }
        catch
        {
            await KillAsync(run);
            throw;
        }
    }

    /// <summary>Migrates the machine's state into <paramref name="path"/> through a socket vse listens on.</summary>
    private static async Task SaveAsync(QmpClient monitor, VmRun run, string path, CancellationToken cancellationToken)
    {
        File.Delete(run.MigrationSocket);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(run.MigrationSocket));
        listener.Listen(1);
        try
        {
            await monitor.ExecuteAsync("migrate", new JsonObject { ["uri"] = "unix:" + run.MigrationSocket }, cancellationToken);
            using var connection = await listener.AcceptAsync(cancellationToken);
            await using (var stream = new NetworkStream(connection, ownsSocket: false))
            await using (var output = File.Create(path))
            {
                await stream.CopyToAsync(output, cancellationToken);
            }

            await WaitMigratedAsync(monitor, incoming: false, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await monitor.ExecuteAsync("migrate_cancel", null, CancellationToken.None);
            throw;
        }
        finally
        {
            File.Delete(run.MigrationSocket);
        }
    }

    /// <summary>
    /// Waits for a migration's end: on the sending side <c>query-migrate</c> says completed or
    /// failed; on the receiving side the machine leaves the <c>inmigrate</c> state.
    /// </summary>
    private static async Task WaitMigratedAsync(QmpClient monitor, bool incoming, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (incoming)
            {
                var status = (await monitor.ExecuteAsync("query-status", null, cancellationToken))?["status"]?.GetValue<string>();
                if (status != "inmigrate")
                {
                    return;
                }
            }
            else
            {
                var migration = await monitor.ExecuteAsync("query-migrate", null, cancellationToken);
                switch (migration?["status"]?.GetValue<string>())
                {
                    case "completed":
                        return;
                    case "failed" or "cancelled":
                        throw new QmpException("QEMU could not migrate the machine: " + (migration["error-desc"]?.GetValue<string>() ?? "migration failed"));
                }
            }

            await Task.Delay(MigrationPoll, cancellationToken);
        }
    }

    /// <summary>Puts a finished checkpoint in place of the one before it, if any: never a moment with neither.</summary>
    private static void ReplaceDirectory(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }

        var old = $"{target}.old-{Guid.NewGuid():N}";
        Directory.Move(target, old);
        Directory.Move(staging, target);
        TreeDeleter.Delete(old, CancellationToken.None);
    }
}
