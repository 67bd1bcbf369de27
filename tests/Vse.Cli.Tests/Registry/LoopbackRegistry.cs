using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Vse.Cli.Tests.Registry;

/// <summary>
/// A real OCI distribution registry (Debian's <c>docker-registry</c>) on 127.0.0.1, a free port
/// and a storage directory of its own; one per test class, stopped and removed afterwards. Its
/// access log says which blobs were sent; its storage lets a test tamper with a blob.
/// </summary>
public sealed class LoopbackRegistry : IAsyncLifetime
{
    private Process? _process;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("vse-registry-").FullName;

    public int Port { get; private set; }

    /// <summary>Null when <c>docker-registry</c> is not installed: each test says so and skips.</summary>
    public string? Missing { get; private set; }

    public string Storage => Path.Combine(Directory, "storage");

    public string LogFile => Path.Combine(Directory, "registry.log");

    /// <summary><c>docker://127.0.0.1:PORT/NAME:TAG</c>.</summary>
    public string Reference(string name, string tag) => $"docker://127.0.0.1:{Port}/{name}:{tag}";

    /// <summary>The registry's file of one blob: <c>…/blobs/sha256/AB/ABCD…/data</c>.</summary>
    public string BlobFile(string digest)
    {
        var hex = digest["sha256:".Length..];
        return Path.Combine(Storage, "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
    }

    /// <summary>Blob uploads the registry completed so far (a <c>PUT …/blobs/uploads/…?digest=…</c> answered 201).</summary>
    public int CompletedBlobUploads() =>
        File.ReadLines(LogFile).Count(line => line.Contains("\"PUT /v2/", StringComparison.Ordinal) && line.Contains("/blobs/uploads/", StringComparison.Ordinal) && line.Contains("\" 201 ", StringComparison.Ordinal));

    public async Task InitializeAsync()
    {
        var registry = Vse.Host.Processes.ExternalTool.Find("docker-registry");
        if (registry is null)
        {
            Missing = "'docker-registry' is not installed (scripts/install-deps.sh installs it)";
            return;
        }

        Port = FreePort();
        var config = Path.Combine(Directory, "config.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: false
            storage:
              filesystem:
                rootdirectory: {Storage}
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:{Port}
            """);
        var start = new ProcessStartInfo(registry) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add(config);
        _process = Process.Start(start)!;
        var log = File.AppendText(LogFile);
        log.AutoFlush = true;
        _process.OutputDataReceived += (_, e) => Write(log, e.Data);
        _process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var client = new HttpClient();
        await Poll.UntilAsync(async () =>
        {
            Assert.False(_process.HasExited, $"docker-registry exited: {await File.ReadAllTextAsync(LogFile)}");
            try
            {
                return (await client.GetAsync(new Uri($"http://127.0.0.1:{Port}/v2/"))).StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, "the registry answers on /v2/");
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            _process.Dispose();
        }

        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
