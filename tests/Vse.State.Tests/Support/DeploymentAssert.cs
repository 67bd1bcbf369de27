using Vse.State.Deployments;

namespace Vse.State.Tests.Support;

public static class DeploymentAssert
{
    /// <summary>The same record and instances (a <see cref="Deployment"/>'s list compares by reference).</summary>
    public static void Same(Deployment expected, Deployment actual)
    {
        Assert.Equal(expected.Record, actual.Record);
        Assert.Equal(expected.Instances, actual.Instances);
    }
}
