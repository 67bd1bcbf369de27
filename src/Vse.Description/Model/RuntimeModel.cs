using Vse.Description.Merge;

namespace Vse.Description.Model;

/// <summary>
/// What runs: the part of a resolved description that exports, the deployment and the drivers act
/// on, typed and read in one place. Everything outside Vse.Description takes this instead of
/// reading the description's JSON or content by key, so a key is spelt, defaulted and checked once.
/// It is read from the canonical JSON, the one shape a description has both when just resolved and
/// when stored in a configuration (<c>/.vse/description.json</c>); that JSON and its digest are
/// unchanged by it.
/// </summary>
/// <param name="Env">The description's <c>env</c>, ordinal key order; empty when it sets none.</param>
/// <param name="Mounts">The description's <c>mounts</c>, by target in ordinal order, sources as written (not yet canonical).</param>
/// <param name="Services">The <c>services</c> set, ordinal order.</param>
/// <param name="Kernel"><c>os.kernel</c>, or null when the description names none (the VM driver's default).</param>
/// <param name="BootCmdline"><c>boot.cmdline</c>, entries in key order; empty when absent.</param>
/// <param name="Run">The default command, <c>run</c>, or null.</param>
/// <param name="Devices">The <c>devices</c> set, ordinal order.</param>
/// <param name="Security">The <c>security</c> relaxations (<see cref="SecuritySettings.Default"/> when absent).</param>
/// <param name="Directory">
/// The directory of the description file (the last layer), or null when the model was read from a
/// stored configuration, which records no source directory.
/// </param>
public sealed record RuntimeModel(
    IReadOnlyDictionary<string, string> Env,
    IReadOnlyList<RuntimeMount> Mounts,
    ResourceLimits Resources,
    NetworkSettings Network,
    IReadOnlyList<string> Services,
    DeploySettings Deploy,
    KernelReference? Kernel,
    IReadOnlyList<KernelParameter> BootCmdline,
    string? Run,
    IReadOnlyList<string> Devices,
    SecuritySettings Security,
    string? Directory)
{
    /// <summary>The <c>gpus</c> request, or null when the description asks for none.</summary>
    public GpuRequest? Gpus { get; init; }

    /// <summary><c>mpi: host</c>: the host's MPI library and its fabric libraries stand in for the image's (docs/mpi.md).</summary>
    public bool HostMpi { get; init; }

    /// <summary>
    /// The model of a description just resolved: its content's canonical JSON, plus where its files
    /// are, which the JSON does not say. A relative <c>os.kernel</c> is relative to the file that
    /// set it (as <c>os.base</c> archives and copy sources are), which for a kernel a base layer
    /// names is not the description's own directory.
    /// </summary>
    public static RuntimeModel From(ResolvedDescription resolved)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        var directory = DirectoryOf(resolved.Layers[^1].File);
        var model = FromCanonicalJson(CanonicalJson.Serialize(resolved.Content));
        var kernelDirectory = DirectoryOf(resolved.Provenance.LastWrite("os.kernel")?.Location.File) ?? directory;
        return model with { Directory = directory, Kernel = model.Kernel is { } kernel ? kernel with { RelativeTo = kernelDirectory } : null };
    }

    /// <summary>
    /// The model of a canonical description JSON document: a configuration's stored
    /// <c>description.json</c> (with or without its <c>digest</c> and <c>lineage</c>). It knows no
    /// directory (<see cref="Directory"/> and the kernel's <see cref="KernelReference.RelativeTo"/> are null).
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The text is not JSON, or a value has the wrong shape: the description was validated when it
    /// was resolved, so this is a damaged configuration, not a user mistake.
    /// </exception>
    public static RuntimeModel FromCanonicalJson(string json) => RuntimeModelReader.Read(json);

    private static string? DirectoryOf(string? file) =>
        file is null ? null : Path.GetDirectoryName(Path.GetFullPath(file)) is { Length: > 0 } directory ? directory : null;
}
