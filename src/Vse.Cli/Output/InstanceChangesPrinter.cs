using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vse.Build.Layers;
using Vse.Deploy.Online;
using Vse.Host.FileSystem;

namespace Vse.Cli.Output;

/// <summary><c>vse diff DEP/I</c> as tables (files, then packages) or as JSON (<c>--json</c>).</summary>
internal static class InstanceChangesPrinter
{
    public static void WriteTables(TextWriter output, InstanceChanges changes)
    {
        if (changes.Files.Count == 0)
        {
            output.WriteLine("files     same");
        }
        else
        {
            Table.Write(output, ["CHANGE", "TYPE", "MODE", "OWNER", "PATH"], changes.Files.Select(f => (IReadOnlyList<string>)
            [
                f.Kind switch { FileChangeKind.Added => "added", FileChangeKind.Deleted => "deleted", _ => "changed (" + string.Join(", ", f.Aspects) + ")" },
                Either(f, s => TypeName(s.Type)),
                Either(f, s => Mode(s.Mode)),
                Either(f, s => $"{s.Uid}:{s.Gid}"),
                f.LinkTarget is { } target ? $"{f.Path} -> {target}" : f.Path,
            ]));
        }

        output.WriteLine();
        if (changes.Packages.Count == 0)
        {
            output.WriteLine("packages  same");
        }
        else
        {
            Table.Write(output, ["PACKAGE", "BEFORE", "AFTER"], changes.Packages.Select(p => (IReadOnlyList<string>)[p.Name, p.Before ?? "-", p.After ?? "-"]));
        }
    }

    public static void WriteJson(Stream output, string deployment, int index, InstanceChanges changes)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("deployment", deployment);
        json.WriteNumber("instance", index);
        json.WriteString("configuration", changes.ConfigurationId);
        json.WriteStartArray("files");
        foreach (var file in changes.Files)
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            json.WriteString("change", file.Kind.ToString().ToLowerInvariant());
            json.WriteStartArray("aspects");
            foreach (var aspect in file.Aspects)
            {
                json.WriteStringValue(aspect);
            }

            json.WriteEndArray();
            Node(json, "before", file.Before, null);
            Node(json, "after", file.After, file.LinkTarget);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("packages");
        foreach (var package in changes.Packages)
        {
            json.WriteStartObject();
            json.WriteString("name", package.Name);
            json.WriteString("before", package.Before);
            json.WriteString("after", package.After);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        output.Write("\n"u8);
    }

    private static void Node(Utf8JsonWriter json, string name, NodeStatus? status, string? target)
    {
        if (status is null)
        {
            json.WriteNull(name);
            return;
        }

        json.WriteStartObject(name);
        json.WriteString("type", TypeName(status.Type));
        json.WriteString("mode", Mode(status.Mode));
        json.WriteNumber("uid", status.Uid);
        json.WriteNumber("gid", status.Gid);
        if (status.Type == NodeType.RegularFile)
        {
            json.WriteNumber("size", status.Size);
        }

        if (target is not null)
        {
            json.WriteString("target", target);
        }

        json.WriteEndObject();
    }

    /// <summary>The value before and after, or one of them when they agree or only one exists.</summary>
    private static string Either(FileChange change, Func<NodeStatus, string> show)
    {
        var before = change.Before is { } b ? show(b) : null;
        var after = change.After is { } a ? show(a) : null;
        return before is null || after is null || before == after ? (after ?? before)! : $"{before}->{after}";
    }

    private static string TypeName(NodeType type) => type switch
    {
        NodeType.RegularFile => "file",
        NodeType.Directory => "dir",
        NodeType.Symlink => "link",
        NodeType.CharacterDevice => "char",
        NodeType.BlockDevice => "block",
        NodeType.Fifo => "fifo",
        _ => "socket",
    };

    private static string Mode(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0').ToString(CultureInfo.InvariantCulture);
}
