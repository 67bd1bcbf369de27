namespace Vse.Description.Policy;

/// <summary>
/// The globs of <c>policy.allow.mounts</c>: <c>*</c> matches within one path segment, <c>**</c>
/// any number of whole segments, zero included, so <c>/lustre/**</c> matches <c>/lustre</c> and
/// everything below it. Matching is per segment, never across a <c>/</c> except by <c>**</c>.
/// </summary>
public static class MountGlob
{
    public static bool Matches(string glob, string path) =>
        MatchSegments(Segments(glob), 0, Segments(path), 0);

    private static string[] Segments(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);

    private static bool MatchSegments(string[] glob, int g, string[] path, int p)
    {
        while (g < glob.Length)
        {
            if (glob[g] == "**")
            {
                // Try every number of segments for '**', fewest first.
                for (var skip = p; skip <= path.Length; skip++)
                {
                    if (MatchSegments(glob, g + 1, path, skip))
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
