namespace Vse.Description.Diagnostics;

/// <summary>
/// The stable codes of every diagnostic. Scripts and docs refer to them, so a code is never
/// reused for another meaning. The hundreds digit groups them: 1 syntax, 2 schema, 3 lookup,
/// 4 merge, 5 interpolation, 6 policy.
/// </summary>
public static class DiagnosticCodes
{
    public const string YamlSyntax = "VSE0101";
    public const string FileTooLarge = "VSE0102";
    public const string NestingTooDeep = "VSE0103";
    public const string AliasExpansionTooLarge = "VSE0104";
    public const string DuplicateKey = "VSE0105";
    public const string MultipleDocuments = "VSE0106";
    public const string UnreadableFile = "VSE0107";
    public const string NotAMapping = "VSE0108";
    public const string NotARegularFile = "VSE0109";
    public const string NotUtf8 = "VSE0110";
    public const string NotADescription = "VSE0111";

    public const string UnknownKey = "VSE0201";
    public const string WrongType = "VSE0202";
    public const string MissingKey = "VSE0203";
    public const string InvalidValue = "VSE0204";
    public const string UnsupportedVersion = "VSE0205";
    public const string ConflictingReplace = "VSE0206";
    public const string InvalidStep = "VSE0207";
    public const string DuplicateStepId = "VSE0208";
    public const string InvalidSize = "VSE0209";
    public const string UnsafePath = "VSE0210";
    public const string InvalidPolicyPath = "VSE0211";
    public const string NotSupportedYet = "VSE0212";
    public const string DeviceNotOnHost = "VSE0213";
    public const string GpusNotOnHost = "VSE0214";

    /// <summary><c>mpi: host</c> on a host whose dynamic linker knows no MPI library.</summary>
    public const string HostMpiMissing = "VSE0215";

    /// <summary><c>mpi: host</c> with an image that has no MPI library to stand in for.</summary>
    public const string ImageMpiMissing = "VSE0216";

    /// <summary><c>mpi: host</c> where the host's MPI and the image's do not share an ABI.</summary>
    public const string MpiAbiMismatch = "VSE0217";
    public const string InvalidLockFile = "VSE0223";
    public const string LockFileOfAnotherDescription = "VSE0224";
    public const string LockedBaseNotDebian = "VSE0225";
    public const string InvalidRegistryReference = "VSE0226";
    /// <summary><c>deploy.writes: memory</c> where it cannot hold: the VM driver, or a user who cannot mount a tmpfs on the host.</summary>
    public const string WritesInMemoryUnavailable = "VSE0227";
    /// <summary><c>network.loopback: shared</c> where it cannot hold: a network mode other than none, or the VM driver.</summary>
    public const string SharedLoopbackUnavailable = "VSE0228";
    /// <summary>A test matrix file (<c>vse test</c>) that does not start with <c>vse-test: 1</c>.</summary>
    public const string NotATestMatrix = "VSE0235";
    /// <summary>A test matrix axis with no values: the matrix would have no cells.</summary>
    public const string EmptyMatrixAxis = "VSE0236";
    /// <summary>A description a test matrix names that is not there.</summary>
    public const string MatrixDescriptionMissing = "VSE0237";

    public const string MissingBase = "VSE0301";
    public const string InheritanceCycle = "VSE0302";
    public const string InvalidBaseName = "VSE0303";

    public const string RemovedAbsentMember = "VSE0401";
    public const string RemovedAbsentStep = "VSE0402";
    public const string UnknownTarget = "VSE0403";

    public const string UnknownVariable = "VSE0501";
    public const string UnsetEnvironmentVariable = "VSE0502";
    public const string MalformedInterpolation = "VSE0503";

    public const string PolicyInUntrustedLayer = "VSE0601";
    public const string LockedValueChanged = "VSE0602";
    public const string MountNotAllowed = "VSE0603";
    public const string PackageDenied = "VSE0604";
    public const string DriverNotAllowed = "VSE0605";
    public const string LimitExceeded = "VSE0606";
    public const string ShadowedSiteName = "VSE0607";
    public const string ConfinementNotAllowed = "VSE0608";
    public const string DeviceNotAllowed = "VSE0609";

    /// <summary><c>mpi: host</c> where a trusted layer's <c>policy.allow.mpi</c> does not list <c>host</c>.</summary>
    public const string HostMpiNotAllowed = "VSE0610";

    public static DiagnosticKind KindOf(string code) =>
        code.StartsWith("VSE06", StringComparison.Ordinal) ? DiagnosticKind.Policy : DiagnosticKind.Input;
}
