namespace Vse.Description;

/// <summary>
/// Built-in upper bounds on the size of a deployment, which hold even where the site sets no
/// <c>policy.limits</c>: without them <c>--instances 2147483647</c> makes vse allocate names,
/// records and state directories until the host runs out of memory.
/// </summary>
public static class DeploymentBounds
{
    /// <summary>
    /// 65,536 instances in one deployment, and so at most that many per node. Far above any real
    /// use on one host (the bulk launcher starts 1,024 in about 9 s, so this many would take over
    /// ten minutes), equal to the addresses of a /16, the size of the default private subnet, and
    /// small enough that the per-instance bookkeeping stays in the tens of megabytes.
    /// </summary>
    public const int MaxInstances = 65_536;
}
