using System.Diagnostics;
using System.Text;
using Vse.State.Deployments;
using Vse.State.Tests.Support;
using static Vse.State.Tests.Support.StateWorkspace;

namespace Vse.State.Tests;

/// <summary>
/// Two vse commands at once. Each writer here opens the database on its own (own
/// <see cref="StateDatabase"/>, own connections) as a second process would; SQLite's locking is
/// the same for two connections in one process as for two processes, since both go through
/// the file's locks.
/// </summary>
public sealed class ConcurrencyTests : IDisposable
{
    private const int WritesPerWriter = 200;

    private readonly StateWorkspace _workspace = new();

    public void Dispose() => _workspace.Dispose();

    [Fact]
    public async Task Two_writers_hammering_the_same_database_never_see_a_busy_error()
    {
        var first = await VseState.OpenAsync(_workspace.Home, CancellationToken.None);
        var second = await VseState.OpenAsync(_workspace.Home, CancellationToken.None);

        // Each writer upserts its own configurations and, every time, one shared record
        // (read-modify-write of the same rows from both sides).
        async Task Hammer(VseState state, char writer)
        {
            for (var i = 0; i < WritesPerWriter; i++)
            {
                var own = Configuration($"{writer}{i:x4}");
                await state.Configurations.UpsertAsync(own, CancellationToken.None);
                await state.Configurations.UpsertAsync(Configuration("ffff") with { SizeBytes = i }, CancellationToken.None);
            }
        }

        await Task.WhenAll(
            Task.Run(() => Hammer(first, 'a')),
            Task.Run(() => Hammer(second, 'b')));

        var list = await first.Configurations.ListAsync(CancellationToken.None);
        Assert.Equal(2 * WritesPerWriter + 1, list.Count);
        Assert.All(list, c => Assert.Equal(2, c.LayerKeys.Count));
    }

    [SkippableFact]
    public async Task A_second_process_writing_at_the_same_time_does_not_break_either_side()
    {
        Skip.IfNot(File.Exists("/usr/bin/sqlite3"), "the sqlite3 shell (Debian package sqlite3) is not installed");
        var state = await VseState.OpenAsync(_workspace.Home, CancellationToken.None);

        // The other process: the sqlite3 shell, writing layer rows in its own immediate
        // transactions with the same busy timeout vse uses.
        var script = new StringBuilder(".bail on\n.timeout 5000\n");
        script.Append("INSERT INTO configurations VALUES ('eeee00000000', 'other', 'sha256:eeee', NULL, 'k', '/r', 0, '2025-01-01T00:00:00.0000000+00:00', '{}', '{}');\n");
        for (var i = 0; i < WritesPerWriter; i++)
        {
            script.Append($"BEGIN IMMEDIATE; INSERT INTO configuration_layers VALUES ('eeee00000000', {i}, 'shell-{i}'); COMMIT;\n");
        }

        using var shell = Process.Start(new ProcessStartInfo("/usr/bin/sqlite3", [_workspace.Home.Database])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var errors = shell.StandardError.ReadToEndAsync();
        var feeding = Task.Run(async () =>
        {
            await shell.StandardInput.WriteAsync(script.ToString());
            shell.StandardInput.Close();
        });

        for (var i = 0; i < WritesPerWriter; i++)
        {
            await state.Configurations.UpsertAsync(Configuration($"a{i:x4}"), CancellationToken.None);
        }

        await feeding;
        await shell.WaitForExitAsync();
        Assert.True(shell.ExitCode == 0, await errors);
        Assert.Equal(WritesPerWriter + 1, (await state.Configurations.ListAsync(CancellationToken.None)).Count);
        Assert.Equal(WritesPerWriter, (await state.Configurations.GetAsync("eeee00000000", CancellationToken.None)).LayerKeys.Count);
    }

    [Fact]
    public async Task Concurrent_deploys_and_updates_keep_every_deployment_whole()
    {
        var first = await VseState.OpenAsync(_workspace.Home, CancellationToken.None);
        var second = await VseState.OpenAsync(_workspace.Home, CancellationToken.None);
        var configuration = Configuration("abc123");
        await first.Configurations.UpsertAsync(configuration, CancellationToken.None);

        async Task Deploy(VseState state)
        {
            for (var i = 0; i < 50; i++)
            {
                var created = await state.Deployments.CreateAsync(
                    new DeploymentRequest(configuration.Id, "hello", "sandbox", ["h0", "h1", "h2"]), CancellationToken.None);
                await state.Deployments.UpdateInstanceAsync(created.Id, 1, LifecycleState.Running, i + 1, CancellationToken.None);
                await state.Deployments.SetStateAsync(created.Id, LifecycleState.Running, CancellationToken.None);
            }
        }

        await Task.WhenAll(Task.Run(() => Deploy(first)), Task.Run(() => Deploy(second)));

        var deployments = await second.Deployments.ListAsync(CancellationToken.None);
        Assert.Equal(100, deployments.Count);
        Assert.All(deployments, d =>
        {
            Assert.Equal(LifecycleState.Running, d.Record.State);
            Assert.Equal([0, 1, 2], d.Instances.Select(i => i.Index));
            Assert.Equal(LifecycleState.Running, d.Instances[1].State);
        });
    }
}
