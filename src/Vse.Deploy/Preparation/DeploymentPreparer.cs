using Vse.Description;
using Vse.Description.Caching;
using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Runtime.Drivers;
using Vse.Runtime.Gpus;
using Vse.Runtime.Mpi;

namespace Vse.Deploy.Preparation;

/// <summary>
/// Everything that must hold before a deployment starts, in order: the counts within vse's bound,
/// the description resolved, site policy re-checked for this deployment's driver and counts, the
/// configuration built (cached) and recorded, the mounts granted on the paths as they are after the
/// build. What <c>deploy</c>, <c>run</c> and <c>submit</c> share.
/// </summary>
public static class DeploymentPreparer
{
    /// <param name="complete">
    /// Called with the model before the policy check, to give the counts a command derives from it
    /// (vse submit: N x K instances, K per node) and to check them (its partition check); the build
    /// starts only after both.
    /// </param>
    /// <param name="buildElsewhere">
    /// Builds the configuration in another process when this data directory has no record of it
    /// yet; the build here then finds every step cached. For an ordinary user, whose steps that
    /// write image files must run as root of the rootless build namespace, which this
    /// (multithreaded) process cannot enter (the CLI's BuildNamespaceEntry).
    /// </param>
    /// <param name="resolveCache">Where resolves are kept between runs (<see cref="ResolveCache"/>); null: resolved every time.</param>
    /// <returns>The prepared deployment, or null and the diagnostics that refused it.</returns>
    public static async Task<(PreparedDeployment? Prepared, IReadOnlyList<Diagnostic> Refusal)> PrepareAsync(
        string file, ResolveOptions resolveOptions, DeployRequest request, Func<CancellationToken, Task<Workspace>> openWorkspace,
        PreparationReport report, CancellationToken cancellationToken,
        Func<RuntimeModel, CancellationToken, Task<DeployRequest>>? complete = null,
        Func<CancellationToken, Task>? buildElsewhere = null, ResolveCache? resolveCache = null)
    {
        // Before anything else: a count beyond the built-in bound is refused at once, not after
        // resolving and building, and never reaches code that allocates per instance.
        foreach (var (option, value) in new[] { (request.InstancesOption, request.Instances), ("--per-node", request.PerNode) })
        {
            if (value is > DeploymentBounds.MaxInstances)
            {
                throw new DeploymentRequestException($"{option}: {value} is above vse's limit of {DeploymentBounds.MaxInstances} instances in a deployment");
            }
        }

        var result = resolveCache is null ? DescriptionResolver.Resolve(file, resolveOptions) : resolveCache.Resolve(file, resolveOptions, cancellationToken).Result;
        report.Diagnostics(result.Diagnostics);
        if (result.Description is not { } resolved)
        {
            return (null, result.Diagnostics);
        }

        // Read once here, then handed to the policy check, the build and the deployment.
        var model = RuntimeModel.From(resolved);
        if (complete is not null)
        {
            request = await complete(model, cancellationToken);
        }

        var driver = request.Driver ?? model.Deploy.Driver ?? "sandbox";
        var policy = DeployPolicy.Recheck(
            resolved, model, resolveOptions.SearchPath.SiteDirectory, driver, request.Instances, request.PerNode);
        if (model.Gpus is not null && driver != DriverCatalog.Vm)
        {
            // The GPUs of this host (where the deployment starts; a Slurm node looks again at its own).
            policy = [.. policy, .. DeployPolicy.CheckGpus(resolved, model, resolveOptions.SearchPath.SiteDirectory, driver, await GpuDiscovery.DiscoverHostAsync(cancellationToken))];
        }

        var hostMpi = model.HostMpi && driver != DriverCatalog.Vm ? await HostMpiDiscovery.DiscoverHostAsync(cancellationToken) : null;
        if (hostMpi is not null)
        {
            // A host without MPI is refused before the build; the image's MPI is checked after it.
            policy = [.. policy, .. DeployPolicy.CheckHostMpi(resolved, model, driver, hostMpi, image: null)];
        }

        report.Diagnostics(policy);
        if (policy.Any(d => d.IsError))
        {
            return (null, policy);
        }

        if (!DriverCatalog.IsDriverName(driver))
        {
            throw new DeploymentRequestException($"--driver: '{driver}' is not a driver (sandbox or vm)");
        }

        var instances = request.Instances ?? model.Deploy.Instances ?? 1;
        var perNode = request.PerNode ?? model.Deploy.PerNode ?? instances;
        if (instances < 1 || perNode < 1)
        {
            throw new DeploymentRequestException($"{request.InstancesOption} and --per-node must be at least 1");
        }

        var workspace = await openWorkspace(cancellationToken);
        if (buildElsewhere is not null
            && await workspace.FindConfigurationAsync(Vse.State.Configurations.ConfigurationRecord.ShortId(resolved.Digest), cancellationToken) is null)
        {
            await buildElsewhere(cancellationToken);
        }

        var (configuration, _) = await ConfigurationRecorder.BuildAsync(workspace, resolved, model, noCache: false, report.Build, report.Warning, cancellationToken);
        HostMpiGrant? mpiGrant = null;
        if (hostMpi is not null)
        {
            var image = ImageMpiInspection.Inspect(configuration.RootfsPath);
            var abi = DeployPolicy.CheckHostMpi(resolved, model, driver, hostMpi, image);
            report.Diagnostics(abi);
            if (abi.Count > 0)
            {
                return (null, abi);
            }

            // Selected from what was just looked at and handed to the deployment, which does not look again.
            mpiGrant = await HostMpiGrant.SelectWithDependenciesAsync(hostMpi, image, cancellationToken);
        }

        // Checked again now, after the build, on the paths the instances will mount: a directory
        // swapped for a symlink while the build ran is caught here or, later still, by the driver.
        var grant = DeployPolicy.GrantMounts(resolved, model, resolveOptions.SearchPath.SiteDirectory, driver);
        report.Diagnostics(grant.Diagnostics);
        if (!grant.Allowed)
        {
            return (null, grant.Diagnostics);
        }

        return (new PreparedDeployment(configuration, model, workspace, driver, instances, perNode, grant.Mounts) { HostMpi = mpiGrant }, []);
    }
}
