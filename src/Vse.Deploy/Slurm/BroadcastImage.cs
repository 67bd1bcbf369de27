namespace Vse.Deploy.Slurm;

/// <summary>
/// The export of a configuration that <c>sbcast</c> carries to nodes that do not hold the image:
/// made once per configuration on the submit host (<see cref="BroadcastExport"/>), beside the job
/// directories (the batch script's node must read it), and checked on every node by its digest.
/// </summary>
/// <param name="Export">The tar export on the submit host's side (sbcast's source).</param>
/// <param name="Digest">Its SHA-256, <c>sha256:HEX</c>: what every node checks on arrival, and the key of its node-local cache.</param>
/// <param name="Destination">Where sbcast puts it on each node (node-local; one file per deployment).</param>
public sealed record BroadcastImage(string Export, string Digest, long SizeBytes, string Destination)
{
    /// <summary>The hex digits of <see cref="Digest"/>: the name of the node cache's entry.</summary>
    /// <exception cref="InvalidDataException">The digest is not <c>sha256:</c> and 64 lowercase hex digits (it names a directory).</exception>
    public string DigestHex => Digest.Length == Prefix.Length + 64 && Digest.StartsWith(Prefix, StringComparison.Ordinal)
        && Digest.AsSpan(Prefix.Length).ContainsAnyExcept("0123456789abcdef") is false
        ? Digest[Prefix.Length..]
        : throw new InvalidDataException($"'{Digest}' is not a sha256:HEX digest");

    public const string Prefix = "sha256:";
}
