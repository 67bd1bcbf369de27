namespace Vse.Build.Reproducible;

/// <summary>
/// The rule of <c>vse build --check</c>: which differences between a cached layer and its
/// rebuild a step made itself. Every layer is a whole tree that holds its parent's, so a file
/// that differs in step 2 differs in every layer above it too; naming all of them would hide
/// the step at fault. A path counts against a layer when it differs there and the parent pair
/// does not explain it: it did not differ in the parent, or the layer changed it (in either
/// build) and it still differs.
/// </summary>
public static class LayerComparison
{
    /// <param name="cachedParent">The cached parent's manifest, or null for the first layer.</param>
    /// <param name="rebuiltParent">The rebuilt parent's manifest, or null for the first layer.</param>
    /// <returns>The paths this layer's step made differ, in ordinal order; empty when it reproduced.</returns>
    public static IReadOnlyList<string> DifferencesMadeBy(
        TreeManifest? cachedParent, TreeManifest? rebuiltParent, TreeManifest cached, TreeManifest rebuilt)
    {
        ArgumentNullException.ThrowIfNull(cached);
        ArgumentNullException.ThrowIfNull(rebuilt);
        var paths = new List<string>();
        foreach (var path in cached.Entries.Keys.Union(rebuilt.Entries.Keys, StringComparer.Ordinal))
        {
            var inCached = Of(cached, path);
            var inRebuilt = Of(rebuilt, path);
            if (inCached == inRebuilt)
            {
                continue;
            }

            var parentCached = Of(cachedParent, path);
            var parentRebuilt = Of(rebuiltParent, path);
            var inherited = parentCached != parentRebuilt && inCached == parentCached && inRebuilt == parentRebuilt;
            if (!inherited)
            {
                paths.Add(path);
            }
        }

        paths.Sort(StringComparer.Ordinal);
        return paths;
    }

    private static string? Of(TreeManifest? manifest, string path) =>
        manifest is not null && manifest.Entries.TryGetValue(path, out var entry) ? entry : null;
}
