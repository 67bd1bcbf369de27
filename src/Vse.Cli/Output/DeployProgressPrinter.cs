using Vse.Deploy;

namespace Vse.Cli.Output;

/// <summary>
/// One line on a terminal's stderr, rewritten as instances start ("started 37/100, 2 failed");
/// nothing when stderr is a file or pipe, where a line per instance would only be noise. A
/// step before the instances start is a line of its own, always.
/// </summary>
internal sealed class DeployProgressPrinter(TextWriter error, bool interactive) : IProgress<DeployProgress>
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly Lock _lock = new();
    private DateTime _last = DateTime.MinValue;
    private bool _written;

    public void Report(DeployProgress value)
    {
        if (value.Warning is { } warning)
        {
            lock (_lock)
            {
                error.WriteLine($"vse: warning: {warning}");
            }

            return;
        }

        if (value.Step is { } step)
        {
            // Said once, whether or not stderr is a terminal: it explains a pause.
            lock (_lock)
            {
                error.WriteLine($"vse: preparing {step}");
            }

            return;
        }

        if (!interactive || value.Total < 2)
        {
            return;
        }

        lock (_lock)
        {
            var done = value.Started + value.Failed == value.Total;
            if (!done && DateTime.UtcNow - _last < Interval)
            {
                return;
            }

            _last = DateTime.UtcNow;
            _written = true;
            error.Write($"\rstarting instances: {value.Started}/{value.Total} started{(value.Failed > 0 ? $", {value.Failed} failed" : "")}");
        }
    }

    /// <summary>Ends the progress line, if one was written.</summary>
    public void Finish()
    {
        lock (_lock)
        {
            if (_written)
            {
                error.WriteLine();
                _written = false;
            }
        }
    }
}
