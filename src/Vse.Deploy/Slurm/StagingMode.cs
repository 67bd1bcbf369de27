using System.Text.Json.Serialization;

namespace Vse.Deploy.Slurm;

/// <summary>How <c>vse submit</c> lets the image reach the nodes (<c>--staging</c>; docs/slurm.md, "Image staging").</summary>
public enum StagingMode
{
    /// <summary>Each node takes the first route that works: its own cache, the submit host's store, else the broadcast.</summary>
    [JsonStringEnumMemberName("auto")]
    Auto,

    /// <summary>The nodes see the submit host's store; no export is made and nothing is broadcast.</summary>
    [JsonStringEnumMemberName("shared")]
    Shared,

    /// <summary>The nodes do not look at the submit host's store: their own cache, else the broadcast (a cluster without a shared store).</summary>
    [JsonStringEnumMemberName("broadcast")]
    Broadcast,
}
