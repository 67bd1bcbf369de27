using Vse.Description;
using Vse.Description.Layers;
using Vse.Description.Model;

namespace Vse.Deploy.Tests;

/// <summary>
/// The deploy-time re-check (DESIGN §2.3) reads the site-wide policy file as it is now, and
/// refuses keys no driver applies yet (issue 15, holes 3 and 7).
/// </summary>
public sealed class DeployPolicyTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vse-deploy-policy-").FullName;

    private string Site => Path.Combine(root, "site");

    public void Dispose() => Directory.Delete(root, recursive: true);

    private ResolvedDescription Resolve(string text)
    {
        Directory.CreateDirectory(Site);
        var file = Path.Combine(root, "app.vse.yaml");
        File.WriteAllText(file, text);
        var environment = new Dictionary<string, string> { ["VSE_SITE_DIR"] = Site };
        var result = DescriptionResolver.Resolve(file, new ResolveOptions(SearchPath.FromEnvironment(environment, null), environment));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Description!;
    }

    [SkippableFact]
    public void A_site_wide_policy_written_after_resolve_binds_the_deployment_of_a_description_that_extends_nothing()
    {
        Skip.IfNot(Environment.IsPrivilegedProcess, "needs root: a trusted site file is root-owned");
        var resolved = Resolve("vse: 1\nname: app\nmounts: {/host-etc: {source: /etc}}\n");
        File.WriteAllText(Path.Combine(Site, "policy.vse.yaml"), "vse: 1\npolicy:\n  allow:\n    mounts: [/scratch/**]\n    drivers: [vm]\n");

        var diagnostics = DeployPolicy.Recheck(resolved, RuntimeModel.From(resolved), Site, "sandbox");

        Assert.Equal(["VSE0603", "VSE0605"], diagnostics.Select(d => d.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Devices_are_refused_at_deploy_until_a_driver_applies_them()
    {
        var resolved = Resolve("vse: 1\nname: app\ndevices: [/dev/fuse]\n");

        var error = Assert.Single(DeployPolicy.Recheck(resolved, RuntimeModel.From(resolved), Site, "sandbox"));

        Assert.Equal(("VSE0212", 3), (error.Code, error.Location.Line));
        Assert.Contains("/dev/fuse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_devices_no_error()
    {
        var resolved = Resolve("vse: 1\nname: app\n");

        Assert.Empty(DeployPolicy.Recheck(resolved, RuntimeModel.From(resolved), Site, "sandbox"));
    }
}
