using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vse.Runtime.Vm.Qmp;

/// <summary>
/// A connection to a QEMU's monitor (QMP: one JSON object per line over a unix socket). After
/// the greeting and <c>qmp_capabilities</c>, every command is answered by one <c>return</c> or
/// <c>error</c> object; asynchronous <c>event</c> objects may come in between and are kept for
/// <see cref="WaitForEventAsync"/>. One command at a time per connection.
/// </summary>
public sealed class QmpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly StreamReader _reader;
    private readonly Queue<JsonObject> _events = new();

    private QmpClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = new StreamReader(_stream, Encoding.UTF8);
    }

    /// <summary>Connects, reads the greeting and leaves capabilities negotiation mode.</summary>
    public static async Task<QmpClient> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var client = new QmpClient(socket);
        try
        {
            var greeting = await client.ReadObjectAsync(cancellationToken);
            if (!greeting.ContainsKey("QMP"))
            {
                throw new QmpException($"{socketPath} is not a QMP monitor: {greeting.ToJsonString()}");
            }

            await client.ExecuteAsync("qmp_capabilities", null, cancellationToken);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <returns>The command's <c>return</c> value.</returns>
    /// <exception cref="QmpException">QEMU answered with an error, or closed the monitor.</exception>
    public async Task<JsonNode?> ExecuteAsync(string command, JsonObject? arguments, CancellationToken cancellationToken)
    {
        var request = new JsonObject { ["execute"] = command };
        if (arguments is not null)
        {
            request["arguments"] = arguments;
        }

        await _stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToJsonString() + "\n"), cancellationToken);
        while (true)
        {
            var message = await ReadObjectAsync(cancellationToken);
            if (message.ContainsKey("event"))
            {
                _events.Enqueue(message);
                continue;
            }

            if (message["error"] is JsonObject error)
            {
                throw new QmpException($"QEMU refused '{command}': {error["desc"]?.GetValue<string>() ?? error.ToJsonString()}");
            }

            return message["return"];
        }
    }

    /// <summary>Waits for the next event named <paramref name="name"/> (one already received counts).</summary>
    public async Task<JsonObject> WaitForEventAsync(string name, CancellationToken cancellationToken)
    {
        while (_events.TryDequeue(out var seen))
        {
            if (seen["event"]?.GetValue<string>() == name)
            {
                return seen;
            }
        }

        while (true)
        {
            var message = await ReadObjectAsync(cancellationToken);
            if (message["event"]?.GetValue<string>() == name)
            {
                return message;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }

    private async Task<JsonObject> ReadObjectAsync(CancellationToken cancellationToken)
    {
        var line = await _reader.ReadLineAsync(cancellationToken) ?? throw new QmpException("QEMU closed its monitor (the VM has ended)");
        try
        {
            return JsonNode.Parse(line) as JsonObject ?? throw new QmpException($"QEMU sent something other than a JSON object: {line}");
        }
        catch (JsonException e)
        {
            throw new QmpException($"QEMU sent malformed JSON ({e.Message}): {line}");
        }
    }
}
