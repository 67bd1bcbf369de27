using System.Net;
using System.Net.Sockets;

namespace Vse.Cli.Tests.Registry;

/// <summary>
/// A TCP proxy on 127.0.0.1 in front of a registry that passes everything through until a client
/// has sent <see cref="StallAfterBytes"/> bytes on one connection (a blob upload under way), then
/// stops reading from that client: the upload hangs mid-blob, for as long as the test wants, at
/// exactly that point rather than at a moment a timer guessed. <see cref="Stalled"/> completes then.
/// Every socket and pump ends on <see cref="DisposeAsync"/>, which the test awaits with a deadline.
/// </summary>
public sealed class StallingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly List<TcpClient> _sockets = [];
    private readonly Task _accepting;
    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _upstreamPort;

    public StallingProxy(int upstreamPort, long stallAfterBytes)
    {
        _upstreamPort = upstreamPort;
        StallAfterBytes = stallAfterBytes;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public long StallAfterBytes { get; }

    /// <summary>Completes when a client has sent <see cref="StallAfterBytes"/> on one connection and is no longer read from.</summary>
    public Task Stalled => _stalled.Task;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        Task[] pending;
        lock (_connections)
        {
            pending = [_accepting, .. _connections];
        }

        // Each pump ends on the closed sockets or the cancellation; none is waited on without a bound.
        await Task.WhenAll(pending).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
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
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(ServeAsync(client));
            }
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        lock (_sockets)
        {
            _sockets.Add(client);
            _sockets.Add(upstream);
        }

        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
            var fromClient = PumpAsync(client.GetStream(), upstream.GetStream(), stallAfter: StallAfterBytes);
            var toClient = PumpAsync(upstream.GetStream(), client.GetStream(), stallAfter: null);
            await Task.WhenAny(fromClient, toClient);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    private async Task PumpAsync(Stream from, Stream to, long? stallAfter)
    {
        var buffer = new byte[64 * 1024];
        long copied = 0;
        try
        {
            while (true)
            {
                if (copied >= stallAfter)
                {
                    _stalled.TrySetResult();
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                var wanted = stallAfter is { } limit ? (int)Math.Min(buffer.Length, Math.Max(1, limit - copied)) : buffer.Length;
                var read = await from.ReadAsync(buffer.AsMemory(0, wanted), _stop.Token);
                if (read == 0)
                {
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                copied += read;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }
}
