using Vse.State.Deployments;

namespace Vse.State.Tests;

public sealed class DeploymentIdsTests
{
    [Fact]
    public void An_id_is_eight_lowercase_hex_digits_and_ids_differ()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => DeploymentIds.New()).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9a-f]{8}$", id));
        // 32 random bits: among 1,000 ids a repeat has a chance of about 1 in 8,600, more than two of about 1 in 10^12.
        Assert.True(ids.Distinct().Count() >= 998, "deployment ids repeat: they are not random");
        // Every digit position varies (none is a GUID's fixed version or variant digit).
        Assert.All(Enumerable.Range(0, DeploymentIds.Length), i => Assert.True(ids.Select(id => id[i]).Distinct().Count() > 8));
    }
}
