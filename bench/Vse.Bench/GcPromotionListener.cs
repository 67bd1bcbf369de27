using System.Diagnostics.Tracing;
using System.Globalization;

namespace Vse.Bench;

/// <summary>
/// Adds up what the collections promote while it listens (the runtime's <c>GCHeapStats</c> event,
/// one per collection): bytes that survived a gen0 collection into gen1, and a gen1 collection into
/// gen2. Those are the objects the collector copies, the work a resolve makes it do beyond
/// allocating; unlike wall time they hardly depend on the machine's load.
/// </summary>
internal sealed class GcPromotionListener : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private long _fromGen0;
    private long _fromGen1;

    /// <summary>Bytes promoted out of gen0 so far.</summary>
    public long FromGen0 => Interlocked.Read(ref _fromGen0);

    /// <summary>Bytes promoted out of gen1 so far.</summary>
    public long FromGen1 => Interlocked.Read(ref _fromGen1);

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs data)
    {
        if (data.EventName?.StartsWith("GCHeapStats", StringComparison.Ordinal) != true || data.Payload is null || data.PayloadNames is null)
        {
            return;
        }

        Interlocked.Add(ref _fromGen0, Read(data, "TotalPromotedSize0"));
        Interlocked.Add(ref _fromGen1, Read(data, "TotalPromotedSize1"));
    }

    private static long Read(EventWrittenEventArgs data, string name) =>
        data.PayloadNames!.IndexOf(name) is var i and >= 0 ? Convert.ToInt64(data.Payload![i], CultureInfo.InvariantCulture) : 0;
}
