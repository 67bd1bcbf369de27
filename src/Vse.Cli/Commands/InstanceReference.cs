using System.Globalization;
using Vse.Deploy;
using Vse.State.Deployments;

namespace Vse.Cli.Commands;

/// <summary>The <c>DEP[/INDEX]</c> argument of <c>exec</c>, <c>logs</c>, <c>shell</c>, <c>cp</c> and <c>diff</c>: a deployment, and optionally one instance.</summary>
internal static class InstanceReference
{
    public static (string Deployment, int? Index) Parse(string text)
    {
        var slash = text.LastIndexOf('/');
        return slash > 0 && int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? (text[..slash], index)
            : (text, null);
    }

    /// <summary>
    /// One instance of a deployment on this host, for the commands that work on one (<c>shell</c>,
    /// <c>cp</c>, <c>diff</c>): <c>DEP/INDEX</c>, or <c>DEP</c> alone for its instance 0.
    /// </summary>
    public static async Task<(Deployment Deployment, InstanceRecord Instance)> OneAsync(Workspace workspace, string text, CancellationToken cancellationToken)
    {
        var (reference, index) = Parse(text);
        var deployment = await workspace.Deployments.GetAsync(reference, cancellationToken);
        var instance = deployment.Instances.FirstOrDefault(i => i.Index == (index ?? 0))
            ?? throw new InstanceNotFoundException(deployment.Id, index ?? 0);
        return (deployment, instance);
    }
}
