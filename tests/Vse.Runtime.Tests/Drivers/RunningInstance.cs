using System.Text;
using Vse.Runtime.Drivers;

namespace Vse.Runtime.Tests.Drivers;

/// <summary>A created and started instance that a test uses and that is removed whatever happens.</summary>
internal sealed class RunningInstance(IDriver driver, InstanceSpec spec, InstanceHandle handle) : IAsyncDisposable
{
    public IDriver Driver => driver;

    public InstanceSpec Spec => spec;

    public InstanceHandle Handle => handle;

    public static async Task<RunningInstance> StartAsync(IDriver driver, InstanceSpec spec)
    {
        var handle = await driver.CreateAsync(spec, CancellationToken.None);
        var instance = new RunningInstance(driver, spec, handle);
        try
        {
            await driver.StartAsync(handle, CancellationToken.None);
        }
        catch
        {
            await instance.DisposeAsync();
            throw;
        }

        return instance;
    }

    public async Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(params string[] argv)
    {
        using var stdout = new MemoryStream();
        using var stderr = new MemoryStream();
        var exitCode = await driver.ExecAsync(handle, new ExecRequest(argv, Stdout: stdout, Stderr: stderr), CancellationToken.None);
        return (exitCode, Encoding.UTF8.GetString(stdout.ToArray()), Encoding.UTF8.GetString(stderr.ToArray()));
    }

    public async ValueTask DisposeAsync()
    {
        await driver.StopAsync(handle, TimeSpan.FromSeconds(2), CancellationToken.None);
        await driver.RemoveAsync(handle, CancellationToken.None);
    }
}
