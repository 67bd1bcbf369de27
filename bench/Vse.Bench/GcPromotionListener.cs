using System.Diagnostics.Tracing;
using System.Globalization;

namespace Vse.Bench;

/// <summary>
/// Adds up what the collections promote while it listens (the runtime's <c>GCHeapStats</c> event,
/// one per collection): bytes that survived a gen0 collection into gen1, and a gen1 collection into
/// gen2. Those are the objects the collector copies, the work a resolve makes it do beyond
/// allocating; unlike wall time they hardly depend on the machine's load.
/// </summary>
internal sealed class GcPromotionListener : GcEventListener
{
    private long _fromGen0;
    private long _fromGen1;

    /// <summary>Bytes promoted out of gen0 so far.</summary>
    public long FromGen0 => Interlocked.Read(ref _fromGen0);

    /// <summary>Bytes promoted out of gen1 so far.</summary>
    public long FromGen1 => Interlocked.Read(ref _fromGen1);

    protected override EventLevel Level => EventLevel.Informational;

    protected override string EventName => "GCHeapStats";

    protected override void OnGcEvent(EventWrittenEventArgs data)
    {
        Interlocked.Add(ref _fromGen0, Convert.ToInt64(Field(data, "TotalPromotedSize0") ?? 0L, CultureInfo.InvariantCulture));
        Interlocked.Add(ref _fromGen1, Convert.ToInt64(Field(data, "TotalPromotedSize1") ?? 0L, CultureInfo.InvariantCulture));
    }
}
