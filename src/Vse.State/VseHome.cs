using System.Globalization;
using System.Text.RegularExpressions;
using Vse.Host.Processes;

namespace Vse.State;

/// <summary>
/// The data directory and the layout under it (DESIGN §3): <c>$VSE_HOME</c>, else
/// <c>/var/lib/vse</c> for root, else <c>~/.local/share/vse</c>. Resolving touches no file;
/// <see cref="EnsureCreated"/> makes the directories.
/// </summary>
public sealed partial record VseHome
{
    public const string HomeVariable = "VSE_HOME";
    public const string RootDefault = "/var/lib/vse";

    /// <summary>Names the site store (docs/install.md); set but empty, no site store is used.</summary>
    public const string SiteStoreVariable = "VSE_SITE_STORE";

    /// <summary>
    /// The site store when <see cref="SiteStoreVariable"/> is not set: beside <see cref="RootDefault"/>,
    /// not in it, since root's data directory is owner-only and users must reach the site store.
    /// </summary>
    public const string SiteStoreDefault = "/var/lib/vse-site";

    // Owner only: the store holds whole root filesystems and the database every deployment's
    // pids, neither of which other users should read or change.
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <param name="root">The data directory; made absolute against the current directory.</param>
    public VseHome(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = System.IO.Path.GetFullPath(root);
    }

    public string Root { get; }

    /// <summary><c>vse.db</c>: the state database.</summary>
    public string Database => System.IO.Path.Combine(Root, "vse.db");

    /// <summary><c>store/</c>: the content-addressed layer store.</summary>
    public string Store => System.IO.Path.Combine(Root, "store");

    /// <summary><c>store/tmp/</c>: where layers are written before being renamed into place (same file system as the store).</summary>
    public string Temp => System.IO.Path.Combine(Store, "tmp");

    /// <summary><c>configurations/</c>: assembled root filesystems of built configurations.</summary>
    public string Configurations => System.IO.Path.Combine(Root, "configurations");

    /// <summary><c>run/</c>: one directory per deployment, one per instance inside it.</summary>
    public string Deployments => System.IO.Path.Combine(Root, "run");

    /// <summary>
    /// <c>trash/</c>: one-shot runs' state directories, moved here whole when their command ends and
    /// deleted later, off the run's critical path (<see cref="Vse.Host.FileSystem.DiscardedTrees"/>).
    /// Beside <c>run/</c>, on its file system, so that the move is one rename.
    /// </summary>
    public string Trash => System.IO.Path.Combine(Root, "trash");

    /// <summary><c>locks/</c>: lock files for <see cref="Vse.Host.Locking.StoreLock"/>.</summary>
    public string Locks => System.IO.Path.Combine(Root, "locks");

    /// <summary>Kernels fetched for VM instances (<c>os.kernel</c>), one directory each.</summary>
    public string Kernels => System.IO.Path.Combine(Root, "kernels");

    /// <summary>What VM instances share: configurations' base disks and the initramfs images.</summary>
    public string VirtualMachines => System.IO.Path.Combine(Root, "vm");

    /// <summary>
    /// The data directory for this environment and user. <paramref name="environment"/> is the
    /// process environment (or a test's stand-in); <paramref name="isRoot"/> whether the effective
    /// user is root.
    /// </summary>
    /// <exception cref="VseHomeException">Not root, and neither VSE_HOME nor HOME is set.</exception>
    public static VseHome Resolve(IReadOnlyDictionary<string, string> environment, bool isRoot)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.TryGetValue(HomeVariable, out var explicitHome) && explicitHome.Length > 0)
        {
            return new VseHome(explicitHome);
        }

        if (isRoot)
        {
            return new VseHome(RootDefault);
        }

        if (environment.TryGetValue("HOME", out var home) && home.Length > 0)
        {
            return new VseHome(System.IO.Path.Combine(home, ".local", "share", "vse"));
        }

        throw new VseHomeException("cannot place the vse data directory: neither VSE_HOME nor HOME is set");
    }

    /// <summary>The site store's directory for this environment, or null when <see cref="SiteStoreVariable"/> is set empty.</summary>
    public static string? SiteStore(IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return !environment.TryGetValue(SiteStoreVariable, out var configured) ? SiteStoreDefault
            : configured.Length == 0 ? null
            : System.IO.Path.GetFullPath(configured);
    }

    /// <summary><see cref="Resolve"/> for this process: its environment and effective user.</summary>
    public static VseHome ForCurrentProcess()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string key && entry.Value is string value)
            {
                environment[key] = value;
            }
        }

        return Resolve(environment, ProcessIdentity.IsRoot);
    }

    /// <summary><c>run/DEPLOYMENT/INDEX</c>: one instance's writable state.</summary>
    public string InstanceDirectory(string deploymentId, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return System.IO.Path.Combine(Deployments, SafeName(deploymentId), index.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary><c>locks/NAME.lock</c>: the lock file for one named resource (a configuration digest, <c>store</c>, ...).</summary>
    public string LockFile(string name) => System.IO.Path.Combine(Locks, SafeName(name) + ".lock");

    /// <summary>
    /// Creates the data directory and its subdirectories, owner-only (0700), where missing.
    /// Existing directories keep their modes: a <c>VSE_HOME</c> chosen by the user is theirs.
    /// </summary>
    /// <exception cref="VseHomeException">A directory cannot be created.</exception>
    public void EnsureCreated(CancellationToken cancellationToken)
    {
        try
        {
            // The parents (~/.local/share) are ordinary directories, not ours to make private.
            var parent = System.IO.Path.GetDirectoryName(Root);
            if (parent is not null)
            {
                Directory.CreateDirectory(parent);
            }

            foreach (var directory in new[] { Root, Store, Temp, Configurations, Deployments, Locks })
            {
                cancellationToken.ThrowIfCancellationRequested();
                Directory.CreateDirectory(directory, PrivateDirectory);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new VseHomeException($"cannot create the vse data directory {Root}: {exception.Message}", exception);
        }
    }

    // Names become single path components: no separators, no "..", nothing a shell would mangle.
    private static string SafeName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return SafeNamePattern().IsMatch(name) && name is not ("." or "..")
            ? name
            : throw new ArgumentException($"'{name}' is not usable as a file name", nameof(name));
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex SafeNamePattern();
}
