using System.Text.Json;
using System.Text.RegularExpressions;
using Vse.Description;
using Vse.Description.Diagnostics;

namespace Vse.Build.Locks;

/// <summary>
/// The package versions <c>vse build --locked LOCK</c> installs: every package of a lock file
/// (<see cref="LockFile"/>) written by an earlier build of the same description on a Debian
/// base, as <c>NAME=VERSION</c> for apt. Read only after the checks below, each failing with one
/// line <c>LOCK:LINE:COLUMN: error: MESSAGE [CODE]</c>: the file is a vse lock file (VSE0223),
/// of this description, naming a version of each of its packages (VSE0224), whose base is Debian (VSE0225), and every name and version
/// is one dpkg would accept, so nothing else reaches apt.
/// </summary>
public sealed partial record PackagePins(IReadOnlyDictionary<string, string> Versions)
{
    /// <summary>The arguments for apt: <c>NAME=VERSION</c>, in name order.</summary>
    public IReadOnlyList<string> AptArguments => Versions.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}").ToList();

    /// <exception cref="LockFileException">The file cannot pin <paramref name="resolved"/>.</exception>
    public static PackagePins Read(string lockPath, ResolvedDescription resolved)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        string text;
        try
        {
            text = File.ReadAllText(lockPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Error(lockPath, 1, 1, DiagnosticCodes.InvalidLockFile, $"cannot read the lock file: {e.Message}");
        }

        return Parse(lockPath, text, resolved);
    }

    /// <param name="lockPath">Where the text came from, for the error lines.</param>
    /// <exception cref="LockFileException">The text cannot pin <paramref name="resolved"/>.</exception>
    public static PackagePins Parse(string lockPath, string text, ResolvedDescription resolved)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        try
        {
            using var _ = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw Error(lockPath, (e.LineNumber ?? 0) + 1, (e.BytePositionInLine ?? 0) + 1, DiagnosticCodes.InvalidLockFile,
                $"not JSON, so not a vse lock file: {FirstSentence(e.Message)}");
        }

        LockFile lockFile;
        try
        {
            lockFile = LockFile.Parse(text);
        }
        catch (InvalidDataException e)
        {
            throw Error(lockPath, 1, 1, DiagnosticCodes.InvalidLockFile, $"{FirstSentence(e.Message)} (write one with vse build, from the image's /.vse/lock.json)");
        }

        if (lockFile.Name != resolved.Name)
        {
            throw Error(lockPath, 1, 1, DiagnosticCodes.LockFileOfAnotherDescription,
                $"this lock file is of '{lockFile.Name}', not of '{resolved.Name}': a lock pins only the description it was written for");
        }

        var os = resolved.Content["os"] as Description.Model.MapValue;
        var baseText = (os?["base"] as Description.Model.ScalarValue)?.AsString ?? "";
        // LockFile.Parse lets a JSON null through where a string belongs: read as "" here.
        if (!baseText.StartsWith("debian:", StringComparison.Ordinal) || !lockFile.Base.StartsWith(baseText + ":", StringComparison.Ordinal))
        {
            throw Error(lockPath, 1, 1, DiagnosticCodes.LockedBaseNotDebian,
                $"--locked pins Debian package versions: the description's os.base is '{baseText}' and the lock was built on '{lockFile.Base}'");
        }

        foreach (var (name, version) in lockFile.Packages)
        {
            if (!NamePattern().IsMatch(name) || !VersionPattern().IsMatch(version ?? ""))
            {
                throw Error(lockPath, 1, 1, DiagnosticCodes.InvalidLockFile, $"package '{name}' version '{version}' is not a Debian package name and version");
            }
        }

        if (lockFile.Packages.Count == 0)
        {
            throw Error(lockPath, 1, 1, DiagnosticCodes.InvalidLockFile, "the lock file names no packages: there is nothing to pin");
        }

        // The pinned step installs the lock's packages only: one the description gained since would be dropped unsaid.
        var unpinned = ((resolved.Content["packages"] as Description.Model.SetValue)?.Members ?? [])
            .Where(package => !lockFile.Packages.ContainsKey(package)).Order(StringComparer.Ordinal).ToList();
        if (unpinned.Count > 0)
        {
            throw Error(lockPath, 1, 1, DiagnosticCodes.LockFileOfAnotherDescription,
                $"the lock file names no version of {string.Join(", ", unpinned)}: the description's packages changed since the lock was written; build without --locked to write a new one");
        }

        return new PackagePins(lockFile.Packages);
    }

    private static LockFileException Error(string path, long line, long column, string code, string message) =>
        new($"{path}:{line}:{column}: error: {message} [{code}]");

    private static string FirstSentence(string message) => message.Split('\n')[0].TrimEnd();

    // Debian policy 5.6.1: lowercase letters, digits, + - . ; at least two characters, starting alphanumeric.
    [GeneratedRegex("^[a-z0-9][a-z0-9+.-]+\\z")]
    private static partial Regex NamePattern();

    // Debian policy 5.6.12: [epoch:]upstream[-revision], upstream starting with a digit.
    [GeneratedRegex("^([0-9]+:)?[0-9][A-Za-z0-9.+~:-]*\\z")]
    private static partial Regex VersionPattern();
}
