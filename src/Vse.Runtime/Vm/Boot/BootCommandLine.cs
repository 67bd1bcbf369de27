using System.Globalization;
using Vse.Description.Model;

namespace Vse.Runtime.Vm.Boot;

/// <summary>
/// The kernel command line of a VM: vse's own arguments, then the description's
/// <c>boot.cmdline</c> merged over them by key, so the description wins. QEMU gets it as the one
/// string of <c>-append</c>; every entry is checked to stay exactly one kernel argument.
/// </summary>
public static class BootCommandLine
{
    /// <summary>The kernel's COMMAND_LINE_SIZE on x86, terminating NUL included: a longer line is cut silently.</summary>
    public const int MaxLength = 2048;

    /// <summary>
    /// vse's arguments: the console on the serial port (the console log, and the init's error
    /// lines), quiet, reboot at once on a panic (QEMU's -no-reboot then exits), and the host's TSC
    /// frequency, without which microvm hangs calibrating it in ~1 boot of 5
    /// (docs/host-facts.md). No <c>root=</c>: the initramfs mounts the disk.
    /// </summary>
    public static IReadOnlyList<string> Defaults(int? tscKhz) =>
        ["console=ttyS0", "quiet", "panic=-1", .. tscKhz is { } khz ? [$"tsc_early_khz={khz.ToString(CultureInfo.InvariantCulture)}"] : Array.Empty<string>()];

    /// <summary>
    /// The defaults merged with a description's <c>boot.cmdline</c> (<see cref="RuntimeModel.BootCmdline"/>):
    /// a value gives <c>KEY=VALUE</c>, an enabled entry without one a bare <c>KEY</c>, a disabled
    /// one nothing, and each key the description names replaces the default with that key
    /// (<c>quiet: false</c> drops vse's <c>quiet</c>). The description's entries follow the
    /// defaults, in the map's order.
    /// </summary>
    /// <param name="cmdline">The entries, or null when the description has none.</param>
    /// <exception cref="BootCommandLineException">An entry would not be one kernel argument, or the line is too long.</exception>
    public static IReadOnlyList<string> Build(IReadOnlyList<KernelParameter>? cmdline, int? tscKhz)
    {
        var entries = (cmdline ?? []).Select(parameter => (parameter.Key, Argument: Argument(parameter))).ToList();
        var replaced = entries.Select(entry => entry.Key).ToHashSet(StringComparer.Ordinal);
        List<string> arguments =
        [
            .. Defaults(tscKhz).Where(argument => !replaced.Contains(KeyOf(argument))),
            .. entries.Select(entry => entry.Argument).OfType<string>(),
        ];
        var length = Join(arguments).Length;
        return length < MaxLength
            ? arguments
            : throw new BootCommandLineException($"boot.cmdline: the kernel command line would be {length} characters; the kernel keeps only {MaxLength - 1}");
    }

    /// <summary>The one string QEMU's <c>-append</c> takes.</summary>
    public static string Join(IEnumerable<string> arguments) => string.Join(' ', arguments);

    /// <summary>The host's TSC frequency in kHz from <c>/proc/cpuinfo</c> (<c>cpu MHz</c> x 1000), or null when it says none.</summary>
    public static async Task<int?> HostTscKhzAsync(CancellationToken cancellationToken) =>
        File.Exists("/proc/cpuinfo") ? ParseTscKhz(await File.ReadAllTextAsync("/proc/cpuinfo", cancellationToken)) : null;

    /// <summary>The first <c>cpu MHz : 2096.018</c> line as kHz (2096018), or null.</summary>
    internal static int? ParseTscKhz(string cpuinfo)
    {
        foreach (var line in cpuinfo.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == "cpu MHz"
                && decimal.TryParse(line[(colon + 1)..].Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var mhz)
                && mhz > 0 && mhz * 1000 <= int.MaxValue)
            {
                return (int)Math.Round(mhz * 1000);
            }
        }

        return null;
    }

    private static string? Argument(KernelParameter parameter)
    {
        var key = parameter.Key;
        Check(key, key, "key");
        if (key.Contains('='))
        {
            throw new BootCommandLineException($"boot.cmdline: key '{key}' contains '=': write it as {key[..key.IndexOf('=', StringComparison.Ordinal)]}: VALUE");
        }

        if (key == InitScript.ChangesArgument)
        {
            // The init would wait for a changes disk an ordinary instance does not have.
            throw new BootCommandLineException($"boot.cmdline: '{key}' is vse's own (it gives an online build step's VM its changes disk); a description cannot set it");
        }

        if (!parameter.Enabled)
        {
            return null;
        }

        if (parameter.Value is not { } value)
        {
            return key;
        }

        Check(key, value, "value");
        return key + "=" + value;
    }

    /// <summary>Whitespace would split the argument, quotes are the kernel's own quoting, control characters have no place on a command line.</summary>
    private static void Check(string key, string text, string what)
    {
        if (text.Length == 0 && what == "key")
        {
            throw new BootCommandLineException("boot.cmdline: a key is empty");
        }

        var bad = text.FirstOrDefault(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or '\'');
        if (bad != default || text.Contains('\0'))
        {
            throw new BootCommandLineException(
                $"boot.cmdline.{Printable(key)}: the {what} {Printable(text)} contains {Describe(bad)}; each entry must stay one kernel argument");
        }
    }

    private static string KeyOf(string argument)
    {
        var equals = argument.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? argument : argument[..equals];
    }

    private static string Describe(char c) => c switch
    {
        '"' or '\'' => $"a quote ({c})",
        ' ' => "a space",
        _ when char.IsWhiteSpace(c) => $"whitespace (U+{(int)c:X4})",
        _ => $"a control character (U+{(int)c:X4})",
    };

    /// <summary>The text with control characters shown as escapes, so the message itself stays one readable line.</summary>
    private static string Printable(string text) =>
        "'" + string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString())) + "'";
}
