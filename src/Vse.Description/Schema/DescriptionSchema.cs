using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Vse.Description.Schema;

/// <summary>
/// Every key a description may contain (DESIGN §2). <c>vse</c>, <c>extends</c>, <c>targets</c>
/// and <c>policy</c> are directives read by <see cref="Layers.LayerReader"/>; everything in
/// <see cref="Body"/> is merged.
/// </summary>
internal static partial class DescriptionSchema
{
    public const int SupportedVersion = 1;

    /// <summary>Keys of a file that are not merged content.</summary>
    public static readonly FrozenSet<string> Directives = FrozenSet.Create(StringComparer.Ordinal, "extends", "targets", "policy");

    /// <summary>Keys a <c>targets.NAME</c> block may not contain.</summary>
    public static readonly FrozenSet<string> NotInTargets = FrozenSet.Create(StringComparer.Ordinal, "vse", "name", "extends", "targets", "policy");

    public static readonly ScalarSchema String = new(ScalarKind.String);
    public static readonly ScalarSchema NameString = new(ScalarKind.String, Pattern: NamePattern(), PatternDescription: "a name of lowercase letters, digits and . _ / - that starts with a letter or digit", Literal: true);
    public static readonly ScalarSchema ImagePath = new(ScalarKind.String, Path: PathKind.ImagePath);
    public static readonly ScalarSchema Mode = new(ScalarKind.String, Pattern: ModePattern(), PatternDescription: "an octal file mode such as \"0644\"");
    public static readonly ScalarSchema Owner = new(ScalarKind.String, Pattern: OwnerPattern(), PatternDescription: "USER[:GROUP] or UID[:GID]");
    /// <summary>A content digest as a captured layer names its archive (<c>sha256:</c> and 64 lowercase hex digits).</summary>
    public static readonly ScalarSchema LayerDigest = new(ScalarKind.String, Pattern: LayerDigestPattern(), PatternDescription: "sha256: and 64 lowercase hexadecimal digits", Literal: true);
    public static readonly ScalarSchema StepId = new(ScalarKind.String, Pattern: StepIdPattern(), PatternDescription: "letters, digits and _ . - starting with a letter or digit");
    public static readonly ScalarSchema EnvName = new(ScalarKind.String, Pattern: EnvNamePattern(), PatternDescription: "an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
    public static readonly ScalarSchema Boolean = new(ScalarKind.Boolean);
    public static readonly ScalarSchema PositiveInteger = new(ScalarKind.Integer, Minimum: 1);
    public static readonly ScalarSchema Size = new(ScalarKind.Size, Minimum: 0);
    public static readonly ScalarSchema InstanceCount = new(ScalarKind.Integer, Minimum: 1, Maximum: DeploymentBounds.MaxInstances);
    public static readonly ScalarSchema Driver = new(ScalarKind.String, Choices: ["sandbox", "vm"]);
    /// <summary><c>deploy.writes</c>: where the instances' writes to their root file system live (<see cref="Model.InstanceWrites"/>).</summary>
    public static readonly ScalarSchema Writes = new(ScalarKind.String, Choices: ["disk", "memory"]);
    public static readonly ScalarSchema Seccomp = new(ScalarKind.String, Choices: ["default", "unconfined"]);
    public static readonly ScalarSchema Capability = new(ScalarKind.String, Choices: [.. Model.LinuxCapabilities.Names]);

    public static readonly DictSchema Environment = new(String, EnvName);

    public static readonly StructSchema Body = Struct(
        ("vse", new ScalarSchema(ScalarKind.Integer)),
        ("name", NameString),
        ("description", String),
        ("os", Struct(
            ("base", new ScalarSchema(ScalarKind.String, Pattern: BasePattern(), PatternDescription: "scratch, host, busybox, debian:SUITE, oci-archive:PATH, rootfs:PATH, tar:PATH or docker://HOST[:PORT]/NAME[:TAG][@sha256:DIGEST]", Problem: BaseProblem)),
            ("kernel", new ScalarSchema(ScalarKind.String, Pattern: KernelPattern(), PatternDescription: "package:NAME or path:FILE")),
            ("variant", new ScalarSchema(ScalarKind.String, Choices: ["minbase", "essential", "apt", "required", "important", "standard"])),
            ("mirror", String))),
        ("packages", new SetSchema(new ScalarSchema(ScalarKind.String, Pattern: PackagePattern(), PatternDescription: "a Debian package name (lowercase letters, digits, + - .)"))),
        ("services", new SetSchema(new ScalarSchema(ScalarKind.String, Pattern: ServicePattern(), PatternDescription: "a service name (letters, digits, @ . _ -)"))),
        ("devices", new SetSchema(new ScalarSchema(ScalarKind.String, Pattern: DevicePattern(), PatternDescription: "an absolute device path under /dev/ without '.', '..' or empty segments"))),
        ("gpus", new IndexListSchema(
            new ScalarSchema(ScalarKind.String, Pattern: GpusPattern(), PatternDescription: "all, a number of GPUs (1-999), a list of GPU indices ([0, 2]) or indices joined by commas (\"0,2\")"),
            MaximumIndex: 999)),
        ("mpi", new ScalarSchema(ScalarKind.String, Choices: ["image", "host"])),
        ("files", new StepsSchema(StepKind.Files)),
        ("build", new StepsSchema(StepKind.Build)),
        ("env", Environment),
        ("mounts", new DictSchema(
            StructWithRequired(["source"], ("source", new ScalarSchema(ScalarKind.String, Path: PathKind.HostPath)), ("mode", new ScalarSchema(ScalarKind.String, Choices: ["ro", "rw"]))),
            ImagePath)),
        ("boot", Struct(
            ("cmdline", new DictSchema(new ScalarSchema(ScalarKind.Any), new ScalarSchema(ScalarKind.String, Pattern: KernelArgumentPattern(), PatternDescription: "a kernel parameter name"))))),
        ("resources", Struct(("cpus", PositiveInteger), ("memory", Size), ("disk", Size))),
        ("network", Struct(
            ("mode", new ScalarSchema(ScalarKind.String, Choices: ["none", "private", "host"])),
            ("subnet", new ScalarSchema(ScalarKind.String, Pattern: SubnetPattern(), PatternDescription: "an IPv4 CIDR such as 10.77.0.0/16")),
            ("loopback", new ScalarSchema(ScalarKind.String, Choices: ["own", "shared"])))),
        ("deploy", Struct(("driver", Driver), ("instances", InstanceCount), ("per_node", InstanceCount), ("writes", Writes))),
        ("security", Struct(("seccomp", Seccomp), ("capabilities", new SetSchema(Capability)))),
        ("run", String));

    /// <summary>The numeric paths that <c>policy.limits</c> may bound, with their kind.</summary>
    public static readonly FrozenDictionary<string, ScalarSchema> Limitable = new Dictionary<string, ScalarSchema>
    {
        ["resources.cpus"] = PositiveInteger,
        ["resources.memory"] = Size,
        ["resources.disk"] = Size,
        ["deploy.instances"] = PositiveInteger,
        ["deploy.per_node"] = PositiveInteger,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Every key of a file, directives included, for "did you mean" suggestions.</summary>
    public static IEnumerable<string> TopLevelKeys => Body.Fields.Keys.Concat(Directives);

    /// <summary>A <c>docker://</c> base must be a whole registry reference; the pattern only says which kind it is.</summary>
    private static string? BaseProblem(string text) =>
        Model.RegistryReference.IsRegistryReference(text) ? Model.RegistryReference.Problem(text) : null;

    private static StructSchema Struct(params (string Key, SchemaNode Schema)[] fields) => StructWithRequired([], fields);

    private static StructSchema StructWithRequired(string[] required, params (string Key, SchemaNode Schema)[] fields) =>
        new(fields.ToFrozenDictionary(f => f.Key, f => f.Schema, StringComparer.Ordinal), required.ToFrozenSet(StringComparer.Ordinal));

    // Every pattern ends in \z, not $: $ also matches before a final newline, so "vim\n" or
    // "app\n" passed (issue 15, hostile-input suite).
    [GeneratedRegex("^[a-z0-9][a-z0-9._/-]*\\z")]
    public static partial Regex NamePattern();

    [GeneratedRegex("^0?[0-7]{3,4}\\z")]
    private static partial Regex ModePattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?\\z")]
    private static partial Regex OwnerPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*\\z")]
    private static partial Regex StepIdPattern();

    [GeneratedRegex("^sha256:[0-9a-f]{64}\\z")]
    private static partial Regex LayerDigestPattern();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*\\z")]
    private static partial Regex EnvNamePattern();

    [GeneratedRegex("^(scratch|host|busybox|debian:[a-z][a-z0-9-]*|(oci-archive|rootfs|tar):.+|docker://.*)\\z")]
    private static partial Regex BasePattern();

    [GeneratedRegex("^(package:[a-z0-9][a-z0-9+.-]*|path:.+)\\z")]
    private static partial Regex KernelPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+\\z")]
    public static partial Regex PackagePattern();

    [GeneratedRegex("^[A-Za-z0-9@._-]+\\z")]
    private static partial Regex ServicePattern();

    // Segment by segment, so that '/dev/../etc/shadow', '/dev/./x' and '/dev//x' cannot pass.
    [GeneratedRegex(@"^/dev(/(?!\.\.?(/|\z))[A-Za-z0-9._-]+)+\z")]
    private static partial Regex DevicePattern();

    // all | N | "i,j,...": a list needs a comma (a lone number is a count); "[i,...]" is how a YAML
    // list of indices resolves (IndexListSchema), so a resolved description reads back the same.
    [GeneratedRegex(@"^(all|[1-9][0-9]{0,2}|[0-9]{1,3}(,[0-9]{1,3})+|\[[0-9]{1,3}(,[0-9]{1,3})*\])\z")]
    private static partial Regex GpusPattern();

    // policy.allow.devices: the same segments plus the globs '*' (within a segment) and '**'.
    [GeneratedRegex(@"^/dev(/(?!\.\.?(/|\z))[A-Za-z0-9._*-]+)+\z")]
    public static partial Regex DeviceGlobPattern();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]*\\z")]
    private static partial Regex KernelArgumentPattern();

    [GeneratedRegex(@"^(\d{1,3}\.){3}\d{1,3}/\d{1,2}\z")]
    private static partial Regex SubnetPattern();
}
