namespace Vse.Description.Policy;

/// <summary>
/// The globs of <c>policy.allow.mounts</c>: <c>*</c> matches within one path segment, <c>**</c>
/// any number of whole segments, zero included, so <c>/lustre/**</c> matches <c>/lustre</c> and
/// everything below it. Matching is per segment, never across a <c>/</c> except by <c>**</c>.
/// </summary>
public static class MountGlob
{
    public static bool Matches(string glob, string path) =>
        MatchFrom(Segments(glob), 0, Segments(path), 0, []);

    private static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    // Remembers the (glob, path) positions already known not to match. Without it every '**' retries
    // every split, so k of them cost O(n^k); with it the work is bounded by glob x path positions.
    private static bool MatchFrom(string[] glob, int g, string[] path, int p, HashSet<(int, int)> failed)
    {
        if (failed.Contains((g, p)))
        {
            return false;
        }

        if (MatchSegments(glob, g, path, p, failed))
        {
            return true;
        }

        failed.Add((g, p));
        return false;
    }

    private static bool MatchSegments(string[] glob, int g, string[] path, int p, HashSet<(int, int)> failed)
    {
        while (g < glob.Length)
        {
            if (glob[g] == "**")
            {
                // Try every number of segments for '**', fewest first.
                for (var skip = p; skip <= path.Length; skip++)
                {
                    if (MatchFrom(glob, g + 1, path, skip, failed))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (p >= path.Length || !MatchSegment(glob[g], path[p]))
            {
                return false;
            }

            g++;
            p++;
        }

        return p == path.Length;
    }

    private static bool MatchSegment(string pattern, string text)
    {
        // Classic wildcard matching with backtracking to the last '*'.
        int pi = 0, ti = 0, star = -1, mark = 0;
        while (ti < text.Length)
        {
            if (pi < pattern.Length && pattern[pi] == '*')
            {
                star = pi++;
                mark = ti;
            }
            else if (pi < pattern.Length && pattern[pi] == text[ti])
            {
                pi++;
                ti++;
            }
            else if (star >= 0)
            {
                pi = star + 1;
                ti = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (pi < pattern.Length && pattern[pi] == '*')
        {
            pi++;
        }

        return pi == pattern.Length;
    }
}
