using System.Collections.Concurrent;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Threading.Channels;
using Vse.Runtime.Drivers;
using Vse.Host.Locking;

namespace Vse.Runtime.Vm.Agent;

/// <summary>
/// The host's end of one guest agent port (native/vse-agent/PROTOCOL.md): a unix socket QEMU
/// serves for a virtio-serial port, held with an flock so no other vse process shares it. Any
/// number of sessions (exec, file transfers) run over it at once, each on a channel of its own;
/// a reader task hands every frame from the guest to its session.
/// </summary>
internal sealed class AgentConnection : IAsyncDisposable
{
    /// <summary>How many ports QEMU gives every VM (<c>vse.0</c> … <c>vse.3</c>): that many vse processes can talk to one instance at once.</summary>
    public const int Ports = 4;

    private const int ProtocolVersion = 1;
    private static readonly TimeSpan HelloInterval = TimeSpan.FromMilliseconds(250);

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StoreLock _lock;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly ConcurrentDictionary<uint, Channel<AgentFrame>> _sessions = new();
    private readonly Channel<AgentFrame> _connectionFrames = Channel.CreateUnbounded<AgentFrame>();
    private readonly CancellationTokenSource _closing = new();
    private Task _reading = Task.CompletedTask;
    private int _nextChannel;
    private volatile bool _closed;

    private AgentConnection(Socket socket, StoreLock portLock)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _lock = portLock;
    }

    /// <summary>Whether the agent had already been configured when this connection said hello.</summary>
    public bool Configured { get; private set; }

    /// <summary>
    /// Takes the first port no other vse process holds (waiting for port 0 when all are taken),
    /// connects and exchanges hellos with the agent, waiting up to <paramref name="timeout"/> for
    /// it to answer (it answers only once the guest has booted).
    /// </summary>
    /// <exception cref="TimeoutException">The agent did not answer in time.</exception>
    public static async Task<AgentConnection> ConnectAsync(VmRun run, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (port, portLock) = await TakePortAsync(run, cancellationToken);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        AgentConnection? connection = null;
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(run.AgentSocket(port)), cancellationToken);
            connection = new AgentConnection(socket, portLock);
            connection._reading = Task.Run(() => connection.ReadFramesAsync(connection._closing.Token), CancellationToken.None);
            await connection.HelloAsync(timeout, cancellationToken);
            return connection;
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
            else
            {
                socket.Dispose();
                await portLock.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Sends the instance's configuration (records of PROTOCOL.md) and waits until the agent has applied it.</summary>
    public async Task ConfigureAsync(IReadOnlyList<string> records, CancellationToken cancellationToken)
    {
        await SendAsync(new AgentFrame('C', 0, AgentFrame.Strings(records)), cancellationToken);
        var answer = await ReadConnectionFrameAsync(cancellationToken);
        while (answer.Type == 'h')
        {
            // A late answer to one of the repeated hellos.
            answer = await ReadConnectionFrameAsync(cancellationToken);
        }

        switch (answer.Type)
        {
            case 'R':
                Configured = true;
                return;
            case 'F':
                throw new AgentFailure(answer.IntAt(0), 0, "the instance could not be configured: " + answer.StringAt(4));
            default:
                throw new InvalidDataException($"the guest agent answered the configuration with a '{answer.Type}' frame");
        }
    }

    /// <summary>Runs a command in the guest, copying its output as it comes.</summary>
    /// <returns>Its exit code (128 + signal when a signal ended it).</returns>
    /// <exception cref="AgentFailure">The command did not start (see <see cref="AgentFailure.Stage"/>).</exception>
    /// <remarks>The command gets the instance's environment (configured once) with the request's added.</remarks>
    public async Task<int> ExecAsync(ExecRequest request, CancellationToken cancellationToken)
    {
        var env = (request.Env ?? new Dictionary<string, string>()).Select(pair => pair.Key + "=" + pair.Value).ToList();
        List<string> fields = [request.WorkingDirectory ?? "/", env.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), .. env, .. request.Argv];
        var (channel, frames) = OpenSession();
        try
        {
            await SendAsync(new AgentFrame('X', channel, AgentFrame.Strings(fields)), cancellationToken);
            using var stopInput = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var input = Task.Run(() => PumpStdinAsync(channel, request.Stdin, stopInput.Token), CancellationToken.None);
            try
            {
                return await ReceiveOutputAsync(channel, frames, request.Stdout, request.Stderr, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Interrupted: the command is ended, not left running unseen in the guest.
                await SendAsync(new AgentFrame('K', channel, AgentFrame.Int(9)), CancellationToken.None);
                throw;
            }
            finally
            {
                await stopInput.CancelAsync();
                await input.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            }
        }
        finally
        {
            _sessions.TryRemove(channel, out _);
        }
    }

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> in the guest (parent directories made).</summary>
    public async Task WriteFileAsync(string path, UnixFileMode mode, Stream content, CancellationToken cancellationToken)
    {
        var (channel, frames) = OpenSession();
        try
        {
            await SendAsync(new AgentFrame('W', channel, AgentFrame.Strings([path, Convert.ToString((int)mode, 8)])), cancellationToken);
            var buffer = new byte[AgentFrame.MaxPayload];
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await SendAsync(new AgentFrame('w', channel, buffer[..read]), cancellationToken);
            }

            await SendAsync(new AgentFrame('w', channel, []), cancellationToken);
            await ReceiveOutputAsync(channel, frames, null, null, cancellationToken);
        }
        finally
        {
            _sessions.TryRemove(channel, out _);
        }
    }

    /// <summary>Copies the guest's file <paramref name="path"/> to <paramref name="destination"/>.</summary>
    public async Task ReadFileAsync(string path, Stream destination, CancellationToken cancellationToken)
    {
        var (channel, frames) = OpenSession();
        try
        {
            await SendAsync(new AgentFrame('G', channel, AgentFrame.Strings([path])), cancellationToken);
            await ReceiveOutputAsync(channel, frames, destination, null, cancellationToken);
        }
        finally
        {
            _sessions.TryRemove(channel, out _);
        }
    }

    /// <summary>Asks the agent to end every process and power the VM off (QEMU then exits).</summary>
    public Task PowerOffAsync(CancellationToken cancellationToken) => SendAsync(new AgentFrame('P', 0, []), cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _socket.Dispose();
        await _reading.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        await _stream.DisposeAsync();
        await _lock.DisposeAsync();
        _closing.Dispose();
        _writing.Dispose();
    }

    private static async Task<(int Port, StoreLock Lock)> TakePortAsync(VmRun run, CancellationToken cancellationToken)
    {
        for (var port = 0; port < Ports; port++)
        {
            try
            {
                return (port, await StoreLock.AcquireAsync(run.AgentLock(port), exclusive: true, TimeSpan.Zero, cancellationToken));
            }
            catch (StoreLockTimeoutException)
            {
                // Another vse process talks to the instance on this port.
            }
        }

        return (0, await StoreLock.AcquireAsync(run.AgentLock(0), exclusive: true, cancellationToken));
    }

    private async Task HelloAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // The hello is repeated until answered (the guest may still be booting). Its id, new for
        // every connection, tells the agent to end what an earlier connection on this port left
        // running (a quick reconnect shows it no end of file), and tells this side which answer
        // is to this connection's hello.
        var id = Random.Shared.Next(1, int.MaxValue);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                await SendAsync(new AgentFrame('H', 0, [.. AgentFrame.Int(ProtocolVersion), .. AgentFrame.Int(id)]), deadline.Token);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                wait.CancelAfter(HelloInterval);
                try
                {
                    var answer = await ReadConnectionFrameAsync(wait.Token);
                    while (answer.Type != 'h' || answer.Payload.Length < 12 || answer.IntAt(8) != id)
                    {
                        // An answer to an earlier connection's hello: read on, without saying hello again.
                        answer = await ReadConnectionFrameAsync(wait.Token);
                    }

                    if (answer.IntAt(0) != ProtocolVersion)
                    {
                        throw new InvalidDataException($"the guest agent speaks protocol {answer.IntAt(0)}, vse {ProtocolVersion}: they come from different vse versions");
                    }

                    // Hellos sent while the first was on its way are answered too, maybe later: the
                    // configuration's reader skips those answers.
                    Configured = answer.IntAt(4) == 1;
                    return;
                }
                catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
                {
                    // No answer yet: say hello again (no more often than this: the guest takes
                    // them only once booted, and a unix socket holds a few hundred).
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the guest agent did not answer within {timeout.TotalSeconds:0} s");
        }
    }

    private async Task<AgentFrame> ReadConnectionFrameAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _connectionFrames.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            throw new IOException("the guest agent's connection closed (the VM has ended)");
        }
    }

    private (uint Channel, Channel<AgentFrame> Frames) OpenSession()
    {
        var channel = (uint)Interlocked.Increment(ref _nextChannel);
        var frames = Channel.CreateUnbounded<AgentFrame>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _sessions[channel] = frames;
        if (_closed)
        {
            // The reader has already told every session: this one must learn it too.
            frames.Writer.TryComplete();
        }

        return (channel, frames);
    }

    /// <summary>Copies output frames to the streams until the session's <c>x</c>; an <c>F</c> is thrown as <see cref="AgentFailure"/>.</summary>
    private static async Task<int> ReceiveOutputAsync(uint channel, Channel<AgentFrame> frames, Stream? stdout, Stream? stderr, CancellationToken cancellationToken)
    {
        while (true)
        {
            AgentFrame frame;
            try
            {
                frame = await frames.Reader.ReadAsync(cancellationToken);
            }
            catch (ChannelClosedException)
            {
                throw new IOException($"the guest agent's connection closed during session {channel} (the VM has ended)");
            }

            switch (frame.Type)
            {
                case '1':
                    if (stdout is not null)
                    {
                        await stdout.WriteAsync(frame.Payload, cancellationToken);
                        await stdout.FlushAsync(cancellationToken);
                    }

                    break;
                case '2':
                    if (stderr is not null)
                    {
                        await stderr.WriteAsync(frame.Payload, cancellationToken);
                        await stderr.FlushAsync(cancellationToken);
                    }

                    break;
                case 'x':
                    return frame.IntAt(0);
                case 'F':
                    throw new AgentFailure(frame.IntAt(0), frame.IntAt(4), frame.StringAt(8));
                default:
                    throw new InvalidDataException($"the guest agent sent a '{frame.Type}' frame in session {channel}");
            }
        }
    }

    private async Task PumpStdinAsync(uint channel, Stream? stdin, CancellationToken cancellationToken)
    {
        try
        {
            if (stdin is not null)
            {
                var buffer = new byte[AgentFrame.MaxPayload];
                int read;
                while ((read = await stdin.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await SendAsync(new AgentFrame('I', channel, buffer[..read]), cancellationToken);
                }
            }

            await SendAsync(new AgentFrame('I', channel, []), cancellationToken);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The command ended (or the connection did) before its input did: nothing left to feed.
        }
    }

    private async Task SendAsync(AgentFrame frame, CancellationToken cancellationToken)
    {
        var bytes = frame.Encode();
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(bytes, cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    private async Task ReadFramesAsync(CancellationToken cancellationToken)
    {
        var header = new byte[AgentFrame.HeaderLength];
        try
        {
            while (true)
            {
                await _stream.ReadExactlyAsync(header, cancellationToken);
                var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
                if (length > AgentFrame.MaxPayload)
                {
                    throw new InvalidDataException($"the guest agent sent a frame of {length} bytes (at most {AgentFrame.MaxPayload})");
                }

                var payload = new byte[length];
                await _stream.ReadExactlyAsync(payload, cancellationToken);
                var frame = new AgentFrame((char)header[4], BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(5)), payload);
                if (frame.Channel == 0)
                {
                    await _connectionFrames.Writer.WriteAsync(frame, cancellationToken);
                }
                else if (_sessions.TryGetValue(frame.Channel, out var session))
                {
                    await session.Writer.WriteAsync(frame, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or EndOfStreamException or InvalidDataException or ObjectDisposedException or SocketException)
        {
            // The connection is over (QEMU gone, the VM powered off, or disposed): every waiting session learns it.
        }
        finally
        {
            _closed = true;
            _connectionFrames.Writer.TryComplete();
            foreach (var session in _sessions.Values)
            {
                session.Writer.TryComplete();
            }
        }
    }
}
