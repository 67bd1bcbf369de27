using Vse.Description.Diagnostics;
using Vse.Description.Schema;
using Vse.Description.Syntax;

namespace Vse.Description.Layers;

/// <summary>
/// Finds and parses a description and all its bases, and orders them (DESIGN §2.1): depth first,
/// bases before the file that extends them, left to right; an ancestor reached twice is applied
/// once, at its first place. The given file is parsed first.
/// </summary>
/// <remarks>
/// Each parsed file is handed to <paramref name="keep"/> at once and only what it returns is
/// kept: a syntax tree that lived until every base was parsed was promoted to the older GC
/// generations with everything else, and collecting those trees was a large part of resolving
/// a large hierarchy.
/// </remarks>
/// <typeparam name="T">What is kept of a file (its layer).</typeparam>
internal sealed class DescriptionLoader<T>(SearchPath searchPath, ReaderLimits limits, TrustEvaluator trust, DiagnosticBag diagnostics, Func<LoadedFile, T> keep)
{
    private static readonly string[] Extensions = [".vse.yaml", ".vse.json"];

    private readonly Dictionary<string, ParsedFile?> _parsed = new(StringComparer.Ordinal);
    private readonly List<T> _order = [];
    private readonly HashSet<string> _placed = new(StringComparer.Ordinal);
    private readonly List<string> _stack = [];

    /// <returns>What <c>keep</c> made of the files, in merge order (the given file last), or null if it could not be read.</returns>
    public IReadOnlyList<T>? Load(string path)
    {
        var full = Identity(path);
        if (!Exists(full))
        {
            diagnostics.Error(DiagnosticCodes.UnreadableFile, SourceLocation.StartOf(path), "no such file");
            return null;
        }

        Visit(full);
        return _parsed.GetValueOrDefault(full) is null ? null : _order;
    }

    private void Visit(string path)
    {
        if (_placed.Contains(path) || Parse(path) is not { } file)
        {
            return;
        }

        _stack.Add(path);
        foreach (var reference in file.Extends)
        {
            if (Find(reference, Path.GetDirectoryName(path)!) is not { } basePath)
            {
                continue;
            }

            var cycleStart = _stack.IndexOf(basePath);
            if (cycleStart >= 0)
            {
                var cycle = _stack.Skip(cycleStart).Append(basePath);
                diagnostics.Error(DiagnosticCodes.InheritanceCycle, reference.Location, $"inheritance cycle: {string.Join(" -> ", cycle)}");
                continue;
            }

            Visit(basePath);
        }

        _stack.RemoveAt(_stack.Count - 1);
        if (_placed.Add(path))
        {
            _order.Add(file.Kept);
        }
    }

    private ParsedFile? Parse(string path)
    {
        if (_parsed.TryGetValue(path, out var cached))
        {
            return cached;
        }

        var read = new DiagnosticBag();
        Caching.ResolveInputs.Current?.File(path);
        var root = YamlFileReader.ReadFile(path, limits, read);
        if (!ContentMayBeQuoted(path, root, read))
        {
            // Whatever the file holds (e.g. /etc/shadow named in 'extends'), no error repeats it:
            // one line says where reading stopped, never what was there.
            var where = read.Items.FirstOrDefault(d => d.IsError)?.Location ?? SourceLocation.StartOf(path);
            diagnostics.Error(DiagnosticCodes.NotADescription, where with { File = path },
                $"not a description file ({(root is null ? "not valid YAML" : "no 'vse' key")}); its content is not shown, as the file is neither named *.vse.yaml nor has 'vse: 1'");
            _parsed[path] = null;
            return null;
        }

        diagnostics.AddRange(read.Items);
        ParsedFile? file = null;
        if (root is not null)
        {
            var loaded = new LoadedFile(path, NameOf(root, path), root, trust.IsTrusted(path), ReadExtends(root));
            file = new ParsedFile(loaded.Extends, keep(loaded));
        }

        _parsed[path] = file;
        return file;
    }

    /// <summary>What is kept of a parsed file: its bases, and what <c>keep</c> made of it.</summary>
    private sealed record ParsedFile(IReadOnlyList<Located<string>> Extends, T Kept);

    /// <summary>
    /// Whether errors about this file may quote its text (keys, values): only once it shows it is
    /// a description, by its name (<c>*.vse.yaml</c>, <c>*.vse.json</c>; the real path, so a symlink
    /// cannot lend a name) or by a top-level <c>vse</c> key. Anything else may be a file the user
    /// could not read themselves, reached through vse; errors that quote nothing (not a regular
    /// file, too large, not UTF-8) pass as they are.
    /// </summary>
    private static bool ContentMayBeQuoted(string path, SyntaxNode? root, DiagnosticBag read) =>
        HasDescriptionName(path)
        || root is MappingNode mapping && mapping.Entries.Any(e => e.Key.Text == "vse")
        || read.Items.Any(d => d.Code is DiagnosticCodes.NotARegularFile or DiagnosticCodes.FileTooLarge or DiagnosticCodes.NotUtf8 or DiagnosticCodes.UnreadableFile);

    private static bool HasDescriptionName(string path) => Extensions.Any(e => path.EndsWith(e, StringComparison.Ordinal));

    private static string NameOf(SyntaxNode root, string path) =>
        root is MappingNode mapping && mapping.Entries.FirstOrDefault(e => e.Key.Text == "name")?.Value is ScalarNode { IsNull: false } name
            ? name.Text
            : Path.GetFileName(path);

    private List<Located<string>> ReadExtends(SyntaxNode root)
    {
        var result = new List<Located<string>>();
        if (root is not MappingNode mapping || mapping.Entries.FirstOrDefault(e => e.Key.Text == "extends") is not { } entry)
        {
            return result;
        }

        var items = entry.Value switch
        {
            ScalarNode { IsNull: true } => [],
            ScalarNode scalar => [scalar],
            SequenceNode sequence => sequence.Items,
            _ => null,
        };
        if (items is null)
        {
            diagnostics.Error(DiagnosticCodes.WrongType, entry.Value.Location, "'extends' must be a name or a list of names");
            return result;
        }

        foreach (var item in items)
        {
            if (item is ScalarNode { IsNull: false } scalar)
            {
                result.Add(new Located<string>(scalar.Text, scalar.Location));
            }
            else
            {
                diagnostics.Error(DiagnosticCodes.WrongType, item.Location, "each entry of 'extends' must be a name");
            }
        }

        return result;
    }

    private string? Find(Located<string> reference, string directory)
    {
        var name = reference.Value;
        if (IsFilePath(name))
        {
            var path = Path.GetFullPath(Path.Combine(directory, name));
            if (Exists(path))
            {
                return Identity(path);
            }

            diagnostics.Error(DiagnosticCodes.MissingBase, reference.Location, $"cannot find base '{name}' (no file {path})");
            return null;
        }

        if (!DescriptionSchema.NamePattern().IsMatch(name) || name.Split('/').Any(s => s is ".." or "."))
        {
            diagnostics.Error(DiagnosticCodes.InvalidBaseName, reference.Location,
                $"'{name}' is not a description name (lowercase letters, digits, . _ / -) nor a file path (./, ../, / or *.vse.yaml)");
            return null;
        }

        var searched = searchPath.DirectoriesFor(directory).Distinct().ToList();
        if (searched.SelectMany(d => Candidates(d, name)).FirstOrDefault(Exists) is { } found)
        {
            return RefuseShadowing(reference, Identity(found)) ? null : Identity(found);
        }

        diagnostics.Error(DiagnosticCodes.MissingBase, reference.Location,
            $"cannot find base '{name}' ({name}.vse.yaml); searched: {string.Join(", ", searched)}");
        return null;
    }

    private static IEnumerable<string> Candidates(string directory, string name) => Extensions.Select(e => Path.Combine(directory, name + e));

    /// <summary>
    /// A name the site defines means the site's file: a user's file of that name found earlier
    /// on the search path (e.g. <c>./site/base.vse.yaml</c> beside the description) would
    /// otherwise replace the site's layer, and its policy with it. Refused rather than passed
    /// over for the site's file, so the user learns the name is taken instead of getting a
    /// layer other than the file they see. A file under the site directory that the user cannot
    /// change is the site's own doing and may stand in front.
    /// </summary>
    /// <returns>Whether <paramref name="found"/> was refused (and the error reported).</returns>
    private bool RefuseShadowing(Located<string> reference, string found)
    {
        if (Candidates(searchPath.SiteDirectory, reference.Value).FirstOrDefault(Exists) is not { } siteFile
            || Identity(siteFile) == found || trust.IsTrusted(found))
        {
            return false;
        }

        diagnostics.Error(DiagnosticCodes.ShadowedSiteName, reference.Location,
            $"'{reference.Value}' is a site name ({Identity(siteFile)}), but {found} has the same name earlier on the search path; "
            + "a user file may not shadow a site's description (rename it, or name it by path, e.g. ./NAME.vse.yaml)");
        return true;
    }

    /// <summary>Whether a file is there; recorded for the resolve cache whether it is or not (one appearing earlier on the search path changes the result).</summary>
    private static bool Exists(string path)
    {
        Caching.ResolveInputs.Current?.File(path);
        return File.Exists(path);
    }

    /// <summary>A file's identity is its real path: reached through a symlink or not, it is one layer.</summary>
    private static string Identity(string path) => Policy.HostPaths.Canonicalize(Path.GetFullPath(path));

    private static bool IsFilePath(string name) =>
        name.StartsWith("./", StringComparison.Ordinal) || name.StartsWith("../", StringComparison.Ordinal) || name.StartsWith('/')
        || HasDescriptionName(name);
}
