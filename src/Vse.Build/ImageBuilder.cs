using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Vse.Build.Exports;
using Vse.Build.FileSystem;
using Vse.Build.Layers;
using Vse.Build.Locks;
using Vse.Build.Online;
using Vse.Build.Reproducible;
using Vse.Build.Steps;
using Vse.Build.Store;
using Vse.Description;
using Vse.Description.Model;
using Vse.Description.Policy;
using Vse.Host.FileSystem;
using Vse.Host.Locking;
using Vse.Host.Processes;

namespace Vse.Build;

/// <summary>
/// Builds a resolved description into layers of the store, reusing every layer whose key is
/// already there: a layer's key is the hash of its parent's key, its step's canonical form and
/// the digest of the step's inputs, so a no-op rebuild runs nothing and a changed step re-runs
/// itself and the steps after it only. Builds hold the store lock shared (gc takes it
/// exclusively) and each layer's own lock while building it, so two builds of one description
/// produce one set of layers. Layers are looked up through a <see cref="LayerChain"/> (the
/// user's store, then a trusted site store, reused in place) and written to its own store.
/// </summary>
/// <param name="online">Runs <c>online: true</c> build steps in an instance; without it such a step fails, saying why.</param>
public sealed class ImageBuilder(LayerChain chain, TimeProvider clock, IOnlineStepRunner? online = null)
{
    private readonly LayerStore store = chain.Own;

    public ImageBuilder(LayerStore store, TimeProvider clock)
        : this(LayerChain.Single(store), clock)
    {
    }

    public Task<BuildResult> BuildAsync(ResolvedDescription resolved, bool noCache, IProgress<BuildEvent>? progress, CancellationToken cancellationToken) =>
        BuildAsync(resolved, RuntimeModel.From(resolved), noCache, progress, cancellationToken);

    /// <param name="model">The model of <paramref name="resolved"/> (<see cref="RuntimeModel.From"/>), when the caller has it already.</param>
    /// <param name="pins">With <c>vse build --locked</c>: the package versions to install (<see cref="PackagePins"/>).</param>
    public async Task<BuildResult> BuildAsync(
        ResolvedDescription resolved, RuntimeModel model, bool noCache, IProgress<BuildEvent>? progress, CancellationToken cancellationToken, PackagePins? pins = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var steps = BuildPlanner.Plan(resolved, store.TemporaryDirectory, pins, store.ArchiveStatesDirectory, store.FileDigests);
        await using var storeLock = await StoreLock.AcquireAsync(store.StoreLockFile, exclusive: false, cancellationToken);
        var count = steps.Count + 1;
        var memo = store.BuildMemo;
        var request = pins is null ? BuildMemo.RequestOf(resolved, steps, chain, DateTimeOffset.UtcNow) : null;
        if (!noCache && request is not null && memo.TryRead(request, chain) is { } remembered
            && RememberedResult(remembered, resolved, count, progress) is { } again)
        {
            return again;
        }

        var layers = new List<BuiltLayer>();
        string? parent = null;
        var baseIdentity = "";
        for (var i = 0; i < steps.Count; i++)
        {
            var inputs = await InputsOf(steps[i], i + 1, count, cancellationToken);
            baseIdentity = i == 0 ? inputs : baseIdentity;
            parent = await BuildLayerAsync(steps[i], parent, inputs, i + 1, count, noCache, layers, progress, cancellationToken, resolved.Name, model);
        }

        // Location-free: the image must not say where the description lay on the building host.
        var json = resolved.ToLocationFreeJson();
        var metadata = new MetadataStep(resolved.Name, resolved.Digest, json, model.Env, resolved.Target, baseIdentity,
            layers.Select(l => (l.Title, l.Key)).ToList(), PolicyDigest.Of(resolved.Policy));
        var top = await BuildLayerAsync(metadata, parent, await metadata.InputDigestAsync(cancellationToken), count, count, noCache, layers, progress, cancellationToken);
        var rootfs = chain.RootfsOf(top);
        var lockJson = await File.ReadAllTextAsync(Path.Combine(rootfs, MetadataStep.LockPath.TrimStart('/')), cancellationToken);
        var result = new BuildResult(top, rootfs, layers, json, lockJson);
        // Only when the base file is as it was before the build: one replaced meanwhile may or may not be in the keys.
        if (request is not null && BuildMemo.RequestOf(resolved, steps, chain, DateTimeOffset.UtcNow) == request with { Racy = false })
        {
            memo.Write(request, result);
        }

        return result;
    }

    /// <summary>
    /// The result of the build <see cref="BuildMemo"/> remembered, reported as the cached build it
    /// is; null (build in full) when its lock file cannot be read from the top layer.
    /// </summary>
    /// <remarks>
    /// The lock file (a few hundred bytes) is read synchronously: an asynchronous file read is
    /// handed to the thread pool, and starting its threads cost a repeated <c>vse run</c> more
    /// than the read (bench/RESULTS.md, "prep4").
    /// </remarks>
    private static BuildResult? RememberedResult(RememberedBuild remembered, ResolvedDescription resolved, int count, IProgress<BuildEvent>? progress)
    {
        string lockJson;
        try
        {
            lockJson = File.ReadAllText(Path.Combine(remembered.Rootfs, MetadataStep.LockPath.TrimStart('/')));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var layers = new List<BuiltLayer>(remembered.Layers.Count);
        for (var i = 0; i < remembered.Layers.Count; i++)
        {
            var (title, key, origin) = remembered.Layers[i];
            progress?.Report(new BuildEvent(origin == LayerOrigin.Site ? BuildEventKind.CachedAtSite : BuildEventKind.Cached, i + 1, count, title));
            layers.Add(new BuiltLayer(title, key, Cached: true, TimeSpan.Zero));
        }

        return new BuildResult(remembered.TopLayerKey, remembered.Rootfs, layers, resolved.ToLocationFreeJson(), lockJson);
    }

    /// <summary>The key of a layer: sha256 of the parent key, the canonical step and its inputs' digest.</summary>
    public static string KeyOf(string? parent, string canonicalStep, string inputs) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"vse-layer-v1\n{parent ?? ""}\n{canonicalStep}\n{inputs}")));

    private static async Task<string> InputsOf(BuildStep step, int index, int count, CancellationToken cancellationToken)
    {
        try
        {
            return await step.InputDigestAsync(cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ToolFailedException)
        {
            throw new StepFailedException($"step {index}/{count} '{step.Title}': {e.Message}", e);
        }
    }

    private async Task<string> BuildLayerAsync(
        BuildStep step, string? parent, string inputs, int index, int count, bool noCache,
        List<BuiltLayer> layers, IProgress<BuildEvent>? progress, CancellationToken cancellationToken, string name = "", RuntimeModel? model = null)
    {
        var key = KeyOf(parent, step.Canonical, inputs);
        if (!noCache && chain.Locate(key) is { } origin)
        {
            progress?.Report(new BuildEvent(origin == LayerOrigin.Site ? BuildEventKind.CachedAtSite : BuildEventKind.Cached, index, count, step.Title));
            layers.Add(new BuiltLayer(step.Title, key, Cached: true, TimeSpan.Zero));
            return key;
        }

        await using var layerLock = await StoreLock.AcquireAsync(store.LockFileFor(key), exclusive: true, cancellationToken);
        if (!noCache && store.Contains(key))
        {
            // Another build made it while this one waited for the lock.
            progress?.Report(new BuildEvent(BuildEventKind.Cached, index, count, step.Title));
            layers.Add(new BuiltLayer(step.Title, key, Cached: true, TimeSpan.Zero));
            return key;
        }

        progress?.Report(new BuildEvent(BuildEventKind.Started, index, count, step.Title));
        var clockStart = Stopwatch.StartNew();
        using var work = store.Begin(key);
        try
        {
            var (parentTree, hardLinks) = await ParentTreeAsync(parent, cancellationToken);
            var context = new StepContext(parentTree, work.Rootfs, work.Scratch,
                line => progress?.Report(new BuildEvent(BuildEventKind.Output, index, count, step.Title, clockStart.Elapsed, line)),
                online, name, model,
                warning => progress?.Report(new BuildEvent(BuildEventKind.Warning, index, count, step.Title, clockStart.Elapsed, warning)));
            await ApplyAsync(step, context, hardLinks, cancellationToken);

            // Every export then reads fixed times from the layer itself (docs/build.md, Reproducible builds).
            ReproducibleTree.ClampTimes(work.Rootfs, cancellationToken);

            // Not the metadata layer: it is always its own description's top, never a user's parent.
            if (store.Access == LayerStoreAccess.Published && step is not MetadataStep)
            {
                await PublishArchiveAsync(work, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ToolFailedException or StepFailedException or UnsafePathException
            or ImageConflictException or InvalidDataException)
        {
            throw new StepFailedException($"step {index}/{count} '{step.Title}': {e.Message}", e);
        }

        store.Commit(work, new LayerRecord(key, parent, step.Canonical, step.Title, clock.GetUtcNow(), clockStart.Elapsed.TotalSeconds));
        progress?.Report(new BuildEvent(BuildEventKind.Finished, index, count, step.Title, clockStart.Elapsed));
        layers.Add(new BuiltLayer(step.Title, key, Cached: false, clockStart.Elapsed));
        return key;
    }

    /// <summary>
    /// The tree a new layer over <paramref name="parent"/> starts from, and whether it may
    /// hard-link that tree's files. An ordinary user building on a site layer starts from the
    /// user's own extraction of it when the site published its archive (<see cref="SiteLayerImport"/>):
    /// the site's files are host root's, which the user may neither link (protected_hardlinks),
    /// nor write through an overlay, nor always read. Without an archive (a layer published by an
    /// older vse) the site tree is copied, which works for trees the user can read whole (busybox).
    /// Root links the site's files when the site store and root's store share a file system and
    /// copies them when they do not (docs/install.md).
    /// </summary>
    private async Task<(string? Tree, bool HardLinks)> ParentTreeAsync(string? parent, CancellationToken cancellationToken)
    {
        if (parent is null || chain.Locate(parent) != LayerOrigin.Site)
        {
            return (parent is null ? null : chain.RootfsOf(parent), true);
        }

        var site = chain.Site!;
        // Host root only: root of the build namespace has no rights over the site's (unmapped) owners.
        if (ProcessIdentity.IsHostRoot)
        {
            var tree = site.RootfsOf(parent);
            return (tree, Nodes.TryGetStatus(tree)?.FileSystemDevice == Nodes.TryGetStatus(store.TemporaryDirectory)?.FileSystemDevice);
        }

        return File.Exists(site.ArchiveOf(parent))
            ? (await SiteLayerImport.EnsureAsync(store, site, parent, cancellationToken), true)
            : (site.RootfsOf(parent), false);
    }

    /// <summary>
    /// Writes the layer's tree as the archive ordinary users build on it from (<see cref="LayerStore.ArchiveOf"/>),
    /// readable by all as the layer is: a user who builds on a site layer is root of the resulting
    /// image and reads every file of it there anyway, root-only ones included.
    /// </summary>
    private static async Task PublishArchiveAsync(LayerWork work, CancellationToken cancellationToken)
    {
        var archive = Path.Combine(work.Directory, LayerStore.ArchiveName);
        await TarExport.WriteAsync(work.Rootfs, archive, cancellationToken);
        File.SetUnixFileMode(archive, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
    }

    private static async Task ApplyAsync(BuildStep step, StepContext context, bool hardLinks, CancellationToken cancellationToken)
    {
        if (step is SandboxStep sandboxed)
        {
            // Run over the parent first: the clone is only needed to receive the changes.
            await sandboxed.RunAsync(context, cancellationToken);
        }

        if (context.ParentRootfs is { } parent)
        {
            try
            {
                await SnapshotCloner.CloneAsync(parent, context.Rootfs, hardLinks, cancellationToken);
            }
            catch (ToolFailedException e) when (!hardLinks)
            {
                // cp names every node it could not copy; the first says what kind of base this is.
                throw new StepFailedException(
                    $"an ordinary user cannot build on the site layer {parent}: it holds nodes you may not read or make (device nodes, root-only files), and the site published no {LayerStore.ArchiveName} for it (built into the site store by an older vse: build it there again with --no-cache): {e.ErrorTail.Split(" | ")[0]}", e);
            }
        }

        await step.ApplyAsync(context, cancellationToken);
    }
}
