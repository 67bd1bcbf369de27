using System.Globalization;

namespace Vse.Deploy.Slurm;

/// <summary>A Slurm partition and its nodes, from <c>sinfo -h -N -o %N|%c|%m|%T|%P|%a</c> (<see cref="SinfoFormat"/>).</summary>
/// <param name="IsDefault">Slurm's default partition (marked <c>*</c> by sinfo).</param>
/// <param name="IsUp">The partition's availability is <c>up</c>.</param>
public sealed record PartitionInfo(string Name, bool IsDefault, bool IsUp, IReadOnlyList<SlurmNode> Nodes)
{
    /// <summary>The sinfo output format <see cref="Parse"/> reads: one line per node and partition.</summary>
    public const string SinfoFormat = "%N|%c|%m|%T|%P|%a";

    /// <summary>
    /// The partitions in sinfo's output (<see cref="SinfoFormat"/>, no header), in the order
    /// first seen; a node in several partitions appears in each.
    /// </summary>
    /// <exception cref="SlurmOutputException">A line that is not of that format.</exception>
    public static IReadOnlyList<PartitionInfo> Parse(string stdout)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var partitions = new List<(string Name, bool IsDefault, bool IsUp, List<SlurmNode> Nodes)>();
        foreach (var raw in stdout.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var fields = line.Split('|');
            if (fields.Length != 6 || fields[0].Length == 0 || fields[4].Length == 0
                || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var cpus)
                || !long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var memory))
            {
                throw new SlurmOutputException($"sinfo printed '{line}', not NODE|CPUS|MEMORY|STATE|PARTITION|AVAIL");
            }

            var isDefault = fields[4].EndsWith('*');
            var name = fields[4].TrimEnd('*');
            var state = fields[3].ToLowerInvariant();
            // Flags after the state: '*' not responding; '~' powered off, '#' powering up, '!'
            // pending power down, '%' powering down, '$' maintenance, '@' pending reboot, '^' rebooting, '-' planned.
            var responding = !state.EndsWith('*');
            var bare = state.TrimEnd('*', '~', '#', '!', '%', '$', '@', '^', '-');
            var usableFlags = state.Length == bare.Length || state == bare + "*";
            var entry = partitions.FindIndex(p => p.Name == name);
            if (entry < 0)
            {
                partitions.Add((name, isDefault, fields[5] == "up", []));
                entry = partitions.Count - 1;
            }

            partitions[entry].Nodes.Add(new SlurmNode(fields[0], cpus, memory, usableFlags ? bare : state, responding));
        }

        return [.. partitions.Select(p => new PartitionInfo(p.Name, p.IsDefault, p.IsUp, p.Nodes))];
    }
}
