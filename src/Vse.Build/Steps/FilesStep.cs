using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Vse.Build.FileSystem;
using Vse.Build.Layers;
using Vse.Host.FileSystem;
using Vse.Description.Identity;
using Vse.Description.Merge;
using Vse.Description.Model;

namespace Vse.Build.Steps;

/// <summary>
/// One <c>files</c> step of DESIGN §2.0, applied to the new layer's tree through
/// <see cref="ImageRoot"/>, so every path stays inside the image and every write replaces a
/// file rather than writing into one the parent layer shares.
/// </summary>
/// <param name="Body">The step as resolved: a copy source is a host path.</param>
/// <param name="LocationFreeBody">The step in location-free form (<see cref="LocationFreeForm"/>): a copy source is the digest of what it copies.</param>
public sealed record FilesStep(MapValue Body, MapValue LocationFreeBody) : BuildStep(TitleOf(Body))
{
    /// <summary>The location-free step: a copy step's key covers what it copies, never where that lies.</summary>
    public override string Canonical => CanonicalJson.Serialize(LocationFreeBody);

    /// <summary>Refuses a source that is gone or special before the key is used; its content is in <see cref="Canonical"/>.</summary>
    public override Task<string> InputDigestAsync(CancellationToken cancellationToken)
    {
        if (Text("copy") is { } source)
        {
            if (!File.Exists(source) && !Directory.Exists(source))
            {
                throw new StepFailedException($"copy source '{source}' does not exist");
            }

            // Hashing /dev/zero never ends, and opening a FIFO waits for a writer.
            CopySource.Check(source);
        }

        // A captured layer's digest is in the key; a missing or changed archive is refused even when the layer is cached.
        return Text("layer") is { } archive ? VerifiedLayerAsync(archive, cancellationToken) : Task.FromResult("");
    }

    private async Task<string> VerifiedLayerAsync(string archive, CancellationToken cancellationToken)
    {
        await CapturedLayer.VerifyAsync(archive, Text("digest")!, cancellationToken);
        return "";
    }

    public override async Task ApplyAsync(StepContext context, CancellationToken cancellationToken)
    {
        var root = new ImageRoot(context.Rootfs);
        var mode = Text("mode") is { } octal ? (UnixFileMode)Convert.ToInt32(octal, 8) : (UnixFileMode?)null;
        var owner = Text("owner") is { } ownerText ? await ImageAccounts.ResolveAsync(root, ownerText, cancellationToken) : null;
        if (Text("copy") is { } source)
        {
            await root.CopyInAsync(source, Text("to")!, mode, owner, cancellationToken);
        }
        else if (Text("link") is { } target)
        {
            if ((Body["hard"] as ScalarValue)?.AsBoolean == true)
            {
                root.HardLink(target, Text("to")!, cancellationToken);
            }
            else
            {
                root.Symlink(target, Text("to")!, cancellationToken);
            }
        }
        else if (Text("delete") is { } deleted)
        {
            root.Delete(deleted, cancellationToken);
        }
        else if (Text("write") is { } written)
        {
            await root.WriteFileAsync(written, Encoding.UTF8.GetBytes(Text("content")!), mode, owner, cancellationToken);
        }
        else if (Text("mkdir") is { } directory)
        {
            root.CreateDirectory(directory, mode, owner, cancellationToken);
        }
        else if (Text("edit") is { } edited)
        {
            await EditAsync(root, edited, cancellationToken);
        }
        else if (Text("layer") is { } archive)
        {
            await CapturedLayer.ApplyAsync(archive, Text("digest")!, context.Rootfs, cancellationToken);
        }
        else
        {
            throw new StepFailedException($"unknown files step {Canonical}");
        }
    }

    private async Task EditAsync(ImageRoot root, string path, CancellationToken cancellationToken)
    {
        var exists = root.TryGetStatus(path, cancellationToken) is not null;
        var content = "";
        if (exists)
        {
            using var reader = new StreamReader(root.OpenRead(path, cancellationToken));
            content = await reader.ReadToEndAsync(cancellationToken);
        }

        if (Text("append") is { } appended)
        {
            var separator = content.Length == 0 || content.EndsWith('\n') ? "" : "\n";
            content += separator + appended + (appended.EndsWith('\n') ? "" : "\n");
        }
        else if (Body["replace"] is MapValue replace)
        {
            if (!exists)
            {
                throw new StepFailedException($"edit {path}: the file does not exist in the image, so there is nothing to replace");
            }

            var pattern = ((ScalarValue)replace["pattern"]!).AsString!;
            var with = ((ScalarValue)replace["with"]!).AsString!;
            content = Regex.Replace(content, pattern, with, RegexOptions.None, TimeSpan.FromSeconds(10));
        }
        else if (Body["set"] is MapValue settings)
        {
            content = KeyValueEditor.Set(content, settings.Entries.Select(e => KeyValuePair.Create(e.Key, ((ScalarValue)e.Value).AsString!)));
        }

        // The replaced file keeps its mode and owner (ImageRoot's default for an existing file).
        await root.WriteFileAsync(path, Encoding.UTF8.GetBytes(content), cancellationToken: cancellationToken);
    }

    private string? Text(string key) => (Body[key] as ScalarValue)?.AsString;

    private static string TitleOf(MapValue body)
    {
        var verb = new[] { "copy", "link", "delete", "write", "mkdir", "edit", "layer" }.FirstOrDefault(v => body[v] is not null) ?? "files";
        // A copy is titled by the source's name, a layer by its digest: the title is in the lock
        // file, which must not say where the description lay on the building host.
        var operand = (body[verb] as ScalarValue)?.ToString() ?? "";
        operand = verb switch
        {
            "copy" => Path.GetFileName(Path.TrimEndingDirectorySeparator(operand)),
            "layer" => (body["digest"] as ScalarValue)?.ToString() ?? "",
            _ => operand,
        };
        var to = (body["to"] as ScalarValue)?.AsString;
        return string.Create(CultureInfo.InvariantCulture, $"{verb} {operand}{(to is null ? "" : " -> " + to)}");
    }
}
