using Vse.Description.Model;

namespace Vse.Description.Policy;

/// <summary>
/// The content the deploy-time policy check sees: the description as it will be deployed, not as
/// written. What the command line sets in place of the description counts as if the description
/// had set it, and mount sources are the canonical paths that will really be mounted.
/// </summary>
public static class DeployedContent
{
    /// <summary>The content with <c>deploy.instances</c> and <c>deploy.per_node</c> replaced where given (<c>--instances</c>, <c>--per-node</c>).</summary>
    public static MapValue WithCounts(MapValue content, int? instances, int? perNode)
    {
        ArgumentNullException.ThrowIfNull(content);
        var deploy = content["deploy"] as MapValue ?? MapValue.Empty;
        deploy = instances is { } n ? deploy.With("instances", ScalarValue.Of(n)) : deploy;
        deploy = perNode is { } k ? deploy.With("per_node", ScalarValue.Of(k)) : deploy;
        return content.With("deploy", deploy);
    }

    /// <summary>The content with each mount's source replaced by the given one (by target); mounts not given keep theirs.</summary>
    public static MapValue WithMountSources(MapValue content, IReadOnlyDictionary<string, string> sources)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(sources);
        if (content["mounts"] is not MapValue mounts)
        {
            return content;
        }

        foreach (var (target, source) in sources)
        {
            if (mounts[target] is MapValue mount)
            {
                mounts = mounts.With(target, mount.With("source", ScalarValue.Of(source)));
            }
        }

        return content.With("mounts", mounts);
    }
}
