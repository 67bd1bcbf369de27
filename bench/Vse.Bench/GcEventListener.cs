using System.Diagnostics.Tracing;

namespace Vse.Bench;

/// <summary>Listens to one kind of the runtime's GC events (<c>GCAllocationTick</c>, <c>GCHeapStats</c>, …) in this process.</summary>
internal abstract class GcEventListener : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    /// <summary>The level that brings the event.</summary>
    /// <remarks>Read from the base constructor, which announces the sources that exist already: a constant, never a field.</remarks>
    protected abstract EventLevel Level { get; }

    /// <summary>The event's name (a version suffix such as <c>_V2</c> may follow).</summary>
    protected abstract string EventName { get; }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(source, Level, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs data)
    {
        if (data.EventName?.StartsWith(EventName, StringComparison.Ordinal) == true && data.Payload is not null && data.PayloadNames is not null)
        {
            OnGcEvent(data);
        }
    }

    protected abstract void OnGcEvent(EventWrittenEventArgs data);

    /// <summary>The named field of the event, or null when this runtime's version of it has none.</summary>
    protected static object? Field(EventWrittenEventArgs data, string name) =>
        data.PayloadNames!.IndexOf(name) is var i and >= 0 ? data.Payload![i] : null;
}
