using Vse.Build.Bases;
using Vse.Build.Locks;
using Vse.Build.Steps;
using Vse.Description;
using Vse.Description.Model;
using Vse.Host.FileSystem;

namespace Vse.Build;

/// <summary>
/// Turns a resolved description into its ordered build steps: the base, the package set, each
/// <c>files</c> step, each <c>build</c> step. (The metadata layer is added by the builder, as
/// it records the keys of all the others.) Packages come before files so that files can
/// configure what the packages installed, and build steps run last, over both.
/// </summary>
public static class BuildPlanner
{
    /// <param name="pins">With <c>--locked</c>: the package step installs these versions, and is there even without <c>packages</c>.</param>
    /// <param name="archiveStatesDirectory">Where Debian bases remember their archive's last state (<see cref="Store.LayerStore.ArchiveStatesDirectory"/>); null: nowhere.</param>
    /// <param name="digests">Where digests of the host files a base is keyed by are remembered (<see cref="Store.LayerStore.FileDigests"/>); null: hashed every time.</param>
    public static IReadOnlyList<BuildStep> Plan(
        ResolvedDescription resolved, string scratchDirectory, PackagePins? pins = null, string? archiveStatesDirectory = null, FileDigestCache? digests = null)
    {
        var content = resolved.Content;
        var os = content["os"] as MapValue ?? MapValue.Empty;
        if ((os["base"] as ScalarValue)?.AsString is not { } baseText)
        {
            throw new BuildInputException($"'{resolved.Name}' sets no os.base (scratch, busybox, debian:SUITE, oci-archive:PATH, rootfs:PATH, tar:PATH or docker://HOST[:PORT]/NAME[:TAG]): there is nothing to build from");
        }

        // A relative archive path is relative to the file that named it, like a copy source.
        var namedIn = resolved.Provenance.LastWrite("os.base")?.Location.File;
        var spec = BaseSpec.Parse(baseText, Text(os, "variant"), Text(os, "mirror"), Path.GetDirectoryName(namedIn ?? "") is { Length: > 0 } d ? d : Directory.GetCurrentDirectory());
        var steps = new List<BuildStep> { new BaseStep(spec, BaseProviders.For(spec, scratchDirectory, archiveStatesDirectory, digests)) };

        var packages = (content["packages"] as SetValue)?.Members.ToList() ?? [];
        if (packages.Count > 0 || pins is not null)
        {
            steps.Add(new PackagesStep(packages, pins));
        }

        if (content["files"] is StepListValue files && resolved.LocationFreeContent["files"] is StepListValue locationFree)
        {
            steps.AddRange(files.Steps.Zip(locationFree.Steps, (step, identity) => new FilesStep(step.Body, identity.Body)));
        }

        if (content["build"] is StepListValue build)
        {
            var environment = (content["env"] as MapValue)?.Entries.ToDictionary(e => e.Key, e => ((ScalarValue)e.Value).AsString!, StringComparer.Ordinal)
                ?? new Dictionary<string, string>(StringComparer.Ordinal);
            steps.AddRange(build.Steps.Select(step => new RunStep(step.Body, environment)));
        }

        return steps;
    }

    private static string? Text(MapValue map, string key) => (map[key] as ScalarValue)?.AsString;
}
