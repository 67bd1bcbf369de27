using System.Net;
using System.Net.Sockets;

namespace Vse.Cli.Tests.Registry;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of the registry that forwards until the clients have sent
/// <paramref name="stallAfterBytes"/> bytes, then forwards nothing more: a push through it is
/// certainly in the middle of an upload when the test kills it, however fast or loaded the machine.
/// </summary>
public sealed class StallingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly long _stallAfterBytes;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _sent;

    public StallingProxy(int target, long stallAfterBytes)
    {
        _target = target;
        _stallAfterBytes = stallAfterBytes;
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Completes once the clients have sent as much as the proxy forwards.</summary>
    public Task Stalled => _stalled.Task;

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
                var up = CopyAsync(client.GetStream(), server.GetStream(), counted: true);
                var down = CopyAsync(server.GetStream(), client.GetStream(), counted: false);
                await Task.WhenAny(up, down);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
            {
                // The test is over or a side closed: nothing to forward any more.
            }
        }
    }

    private async Task CopyAsync(Stream from, Stream to, bool counted)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            if (counted)
            {
                var allowed = (int)Math.Max(0, Math.Min(read, _stallAfterBytes - Interlocked.Read(ref _sent)));
                Interlocked.Add(ref _sent, allowed);
                if (allowed < read)
                {
                    await to.WriteAsync(buffer.AsMemory(0, allowed), _stop.Token);
                    _stalled.TrySetResult();
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }
            }

            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }
}
