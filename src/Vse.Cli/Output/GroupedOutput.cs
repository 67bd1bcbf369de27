using System.Text;

namespace Vse.Cli.Output;

/// <summary>
/// <c>exec --group</c>: the output of many instances folded as dshbak -c does, one block per
/// distinct output, headed by the hosts that printed it, so 1,000 identical lines read as one.
/// </summary>
internal static class GroupedOutput
{
    public static async Task WriteAsync(TextWriter output, IEnumerable<(string Host, byte[] Output)> results, CancellationToken cancellationToken)
    {
        var groups = results
            .GroupBy(r => Encoding.UTF8.GetString(r.Output), StringComparer.Ordinal)
            .Select(g => (Hosts: g.Select(r => r.Host).ToList(), Text: g.Key))
            .OrderBy(g => g.Hosts[0], StringComparer.Ordinal);
        foreach (var (hosts, text) in groups)
        {
            var header = HostRanges(hosts);
            var rule = new string('-', Math.Min(header.Length, 72));
            await output.WriteAsync($"{rule}\n{header} ({hosts.Count})\n{rule}\n{text}".AsMemory(), cancellationToken);
            if (text.Length > 0 && !text.EndsWith('\n'))
            {
                await output.WriteLineAsync();
            }
        }
    }

    /// <summary>Hosts named PREFIX-N folded into ranges, as pdsh prints them: <c>app-[0-3,7]</c>.</summary>
    internal static string HostRanges(IReadOnlyList<string> hosts)
    {
        var parts = new List<string>();
        foreach (var family in hosts.GroupBy(Prefix, StringComparer.Ordinal))
        {
            var numbers = family.Select(Number).ToList();
            if (family.Key.Length == 0 || numbers.Any(n => n is null))
            {
                parts.AddRange(family);
                continue;
            }

            var sorted = numbers.Select(n => n!.Value).Distinct().Order().ToList();
            var ranges = new List<string>();
            for (var i = 0; i < sorted.Count;)
            {
                var j = i;
                while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1)
                {
                    j++;
                }

                ranges.Add(i == j ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
                i = j + 1;
            }

            parts.Add(sorted.Count == 1 ? family.First() : $"{family.Key}[{string.Join(',', ranges)}]");
        }

        return string.Join(',', parts);
    }

    private static string Prefix(string host) => host.LastIndexOf('-') is var dash and >= 0 ? host[..(dash + 1)] : "";

    private static int? Number(string host) =>
        int.TryParse(host[Prefix(host).Length..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}
