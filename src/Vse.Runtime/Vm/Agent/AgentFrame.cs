using System.Buffers.Binary;
using System.Text;

namespace Vse.Runtime.Vm.Agent;

/// <summary>One message of the guest agent protocol (native/vse-agent/PROTOCOL.md): a type letter, a channel and a payload.</summary>
internal sealed record AgentFrame(char Type, uint Channel, byte[] Payload)
{
    public const int HeaderLength = 9;
    public const int MaxPayload = 65536;

    /// <summary>A payload of NUL-terminated strings, one after the other.</summary>
    public static byte[] Strings(IEnumerable<string> strings)
    {
        var buffer = new MemoryStream();
        foreach (var value in strings)
        {
            if (value.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException("a string sent to the guest agent cannot contain NUL", nameof(strings));
            }

            buffer.Write(Encoding.UTF8.GetBytes(value));
            buffer.WriteByte(0);
        }

        return buffer.ToArray();
    }

    public static byte[] Int(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>The little-endian integer at <paramref name="offset"/> of the payload.</summary>
    public int IntAt(int offset) =>
        Payload.Length >= offset + 4
            ? BinaryPrimitives.ReadInt32LittleEndian(Payload.AsSpan(offset))
            : throw new InvalidDataException($"the guest agent sent a '{Type}' frame too short for its fields");

    /// <summary>The NUL-terminated string starting at <paramref name="offset"/> (or the rest of the payload).</summary>
    public string StringAt(int offset)
    {
        var rest = Payload.AsSpan(Math.Min(offset, Payload.Length));
        var end = rest.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }

    public byte[] Encode()
    {
        var bytes = new byte[HeaderLength + Payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, (uint)Payload.Length);
        bytes[4] = (byte)Type;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(5), Channel);
        Payload.CopyTo(bytes, HeaderLength);
        return bytes;
    }
}
