namespace Vse.Cli.Tests;

/// <summary>
/// One deployment of an example app for every test of a class (a class fixture): its Debian image
/// is built and its instances started once, on the first test that asks, and cleaned up after
/// the last. The tests of the class only exec in it; none changes what the others see.
/// </summary>
public abstract class ExampleDeployment(string app, string description) : IAsyncLifetime
{
    private readonly SemaphoreSlim _once = new(1, 1);
    private string? _id;

    public Workspace Workspace { get; } = new();

    /// <summary>The deployment's id: deploys the example the first time (root and mmdebstrap required, else the test is skipped).</summary>
    public async Task<string> IdAsync()
    {
        Requirements.Root();
        Requirements.Tool("mmdebstrap");
        await _once.WaitAsync();
        try
        {
            if (_id is null)
            {
                Workspace.UseExample(app);
                var deployed = await Workspace.RunAsync("deploy", Path.Combine(app, description));
                Assert.True(deployed.ExitCode == 0, deployed.Stderr);
                _id = deployed.Stdout.Trim();
            }

            return _id;
        }
        finally
        {
            _once.Release();
        }
    }

    public Task<VseProcess.Outcome> ExecAsync(string id, int index, params string[] argv) => Workspace.RunAsync(["exec", $"{id}/{index}", "--", .. argv]);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        try
        {
            if (_id is not null)
            {
                Assert.Equal(0, (await Workspace.RunAsync("cleanup", _id)).ExitCode);
            }
        }
        finally
        {
            Workspace.Dispose();
            _once.Dispose();
        }
    }
}
