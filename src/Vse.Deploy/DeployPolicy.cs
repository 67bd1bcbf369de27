using Vse.Description;
using Vse.Description.Diagnostics;
using Vse.Description.Policy;

namespace Vse.Deploy;

/// <summary>
/// The deploy-time policy check of DESIGN §2.3: the description is checked again against the
/// site's policy files as they are now (not as they were at build time), and the driver against
/// <c>allow.drivers</c>.
/// </summary>
public static class DeployPolicy
{
    public static IReadOnlyList<Diagnostic> Recheck(ResolvedDescription resolved, string siteDirectory, string driver)
    {
        var (policy, diagnostics) = SitePolicyLoader.Load(resolved.Layers.Select(l => l.File), siteDirectory);
        var fallback = SourceLocation.StartOf(resolved.Layers[^1].File);
        SourceLocation Locate(string path) => resolved.Provenance.LastWrite(path)?.Location ?? fallback;
        return
        [
            .. diagnostics,
            .. PolicyChecker.Check(resolved.Content, policy, Locate),
            .. PolicyChecker.CheckDriver(driver, policy, Locate("deploy.driver")),
        ];
    }
}
