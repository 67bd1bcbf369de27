using System.Text.Json.Nodes;

namespace Vse.Build.Exports;

/// <summary>An OCI content descriptor: what a blob is, its digest (<c>sha256:…</c>) and size in bytes.</summary>
internal sealed record OciDescriptor(string MediaType, string Digest, long Size)
{
    public JsonObject ToJson() => new()
    {
        ["mediaType"] = MediaType,
        ["digest"] = Digest,
        ["size"] = Size,
    };
}
