using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Vse.Build.FileSystem;
using Vse.Host.FileSystem;
using Vse.Host.Processes;
using Vse.Runtime.Drivers;
using Vse.Runtime.Vm.Qmp;

namespace Vse.Runtime.Vm;

/// <summary>
/// Live migration the way QEMU does it between hosts: the same machine is started on the
/// destination waiting for an incoming stream (<c>-incoming tcp:ADDRESS:PORT</c>), the source
/// sends its memory while the guest runs on, then pauses it for the last pages and devices, and
/// the destination carries on. Source and destination share the instance's state directory
/// (its disk), each QEMU with a run directory of its own.
/// </summary>
public sealed partial class VmDriver : IMigratable
{
    private const int MigrationPortAttempts = 3;
    private static readonly TimeSpan MigrationTimeout = TimeSpan.FromMinutes(10);

    public async Task MigrateAsync(InstanceHandle handle, MigrationTarget target, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(target.Address, out var address) || address.AddressFamily != AddressFamily.InterNetwork)
        {
            throw new ArgumentException($"'{target.Address}' is not an IPv4 address", nameof(target));
        }

        if (!File.Exists(target.NetworkNamespace))
        {
            throw new ArgumentException($"there is no network namespace {target.NetworkNamespace} to migrate to", nameof(target));
        }

        var files = new VmFiles(handle.StateDirectory);
        if (files.Current() is not { } source || QemuProcess.Running(source) is not { } sourcePid)
        {
            throw new IOException($"the VM of instance '{handle.Id}' is not running");
        }

        if ((await QemuMachine.ReadAsync(files.Machine, cancellationToken)).Nic is not null)
        {
            throw new DriverCapabilityMissingException(Name, "migrate an instance on a private network", "its network card is plugged into its deployment's fabric on this host");
        }

        var (destination, uri) = await LaunchDestinationAsync(files, target, cancellationToken);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(MigrationTimeout);
            await using (var sourceMonitor = await QmpClient.ConnectAsync(source.Monitor, deadline.Token))
            {
                await sourceMonitor.ExecuteAsync("migrate", new JsonObject { ["uri"] = uri }, deadline.Token);
                await WaitMigratedAsync(sourceMonitor, incoming: false, deadline.Token);
                await using var destinationMonitor = await QmpClient.ConnectAsync(destination.Monitor, deadline.Token);
                await WaitMigratedAsync(destinationMonitor, incoming: true, deadline.Token);
                // The guest runs on at the destination as it ran at the source (a suspended one stays suspended).
                await sourceMonitor.ExecuteAsync("quit", null, deadline.Token);
            }

            await QemuProcess.WaitEndedAsync(sourcePid, source, QuitTimeout, PollInterval, CancellationToken.None);
            files.MakeCurrent(destination);
        }
        catch
        {
            // The source keeps the instance: a failed or cancelled migration leaves it running there.
            await KillAsync(destination);
            TreeDeleter.Delete(destination.Directory, CancellationToken.None);
            if (QemuProcess.Running(source) is not null)
            {
                await using var monitor = await QmpClient.ConnectAsync(source.Monitor, CancellationToken.None);
                await monitor.ExecuteAsync("migrate_cancel", null, CancellationToken.None);
                await monitor.ExecuteAsync("cont", null, CancellationToken.None);
            }

            throw;
        }
    }

    /// <summary>
    /// Starts the destination QEMU in the target's namespace, listening for the migration on a
    /// port picked at random from the dynamic range (tried again on another should it be taken).
    /// </summary>
    private async Task<(VmRun Run, string Uri)> LaunchDestinationAsync(VmFiles files, MigrationTarget target, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var run = files.NextRun();
            var uri = $"tcp:{target.Address}:{Random.Shared.Next(49152, 65535).ToString(CultureInfo.InvariantCulture)}";
            try
            {
                await LaunchAsync(files, run, ["-incoming", uri], cancellationToken, target.NetworkNamespace);
                return (run, uri);
            }
            catch (ToolFailedException e) when (attempt < MigrationPortAttempts && e.ErrorTail.Contains("Address already in use", StringComparison.Ordinal))
            {
                TreeDeleter.Delete(run.Directory, CancellationToken.None);
            }
            catch
            {
                TreeDeleter.Delete(run.Directory, CancellationToken.None);
                throw;
            }
        }
    }
}
