using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Vse.Cli.Tests;

/// <summary><c>vse resolve</c> and <c>vse explain</c> as a user runs them.</summary>
public sealed class ResolveCommandTests
{
    private const string Base = """
        vse: 1
        name: site/base
        os: {base: busybox}
        packages: [curl, nano]
        env: {LANG: C.UTF-8, EDITOR: nano}
        resources: {memory: 1Gi}
        """;

    private const string App = """
        # a user's description
        vse: 1
        name: apps/demo
        extends: site/base
        packages: {add: [vim], remove: [nano]}
        env: {EDITOR: vim, LANG: null, OWNER: "${env.USER}"}
        run: echo ${vse.name} $${HOME}
        """;

    [Fact]
    public async Task Json_output_is_canonical_with_lineage_and_a_digest_of_everything_else()
    {
        using var workspace = new Workspace();
        workspace.Write("site/base.vse.yaml", Base);
        workspace.Write("app.vse.yaml", App);
        var outcome = await workspace.RunAsync("resolve", "app.vse.yaml", "--json");
        Assert.Equal(0, outcome.ExitCode);

        var json = outcome.Stdout.TrimEnd('\n');
        var document = JsonNode.Parse(json)!.AsObject();
        Assert.Equal(["site/base", "apps/demo"], document["lineage"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["curl", "vim"], document["packages"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("alice", document["env"]!["OWNER"]!.GetValue<string>());
        Assert.Equal("echo apps/demo ${HOME}", document["run"]!.GetValue<string>());
        Assert.Equal(1073741824, document["resources"]!["memory"]!.GetValue<long>());
        Assert.Null(document["extends"]);

        // The digest is the SHA-256 of the same canonical text without "digest" and "lineage".
        var digest = document["digest"]!.GetValue<string>();
        document.Remove("digest");
        document.Remove("lineage");
        var content = Canonical(document);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))), digest);
        Assert.Equal(json, CanonicalWith(document, digest, ["site/base", "apps/demo"]));
    }

    [Fact]
    public async Task The_same_meaning_written_differently_has_the_same_digest()
    {
        using var workspace = new Workspace();
        workspace.Write("one.vse.yaml", """
            vse: 1
            name: same
            env: {A: "1", B: "2"}
            packages: [bb, aa, aa]
            resources: {memory: 1Gi}
            """);
        workspace.Write("two.vse.json", """
            {"resources": {"memory": "1024Mi"}, "packages": {"add": ["aa", "bb"]},
             "env": {"B": "2", "A": "1"}, "name": "same", "vse": 1, "description": null}
            """);
        var one = await workspace.RunAsync("resolve", "one.vse.yaml", "--json");
        var two = await workspace.RunAsync("resolve", "two.vse.json", "--json");
        Assert.Equal(0, one.ExitCode);
        Assert.Equal(0, two.ExitCode);
        Assert.Equal(JsonNode.Parse(one.Stdout)!["digest"]!.GetValue<string>(), JsonNode.Parse(two.Stdout)!["digest"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_yaml_output_is_itself_a_description_with_the_same_digest()
    {
        using var workspace = new Workspace();
        workspace.Write("site/base.vse.yaml", Base);
        workspace.Write("app.vse.yaml", App + "\nfiles:\n  - {write: /etc/motd, content: \"a: b\\n\", mode: \"0644\"}\nboot: {cmdline: {quiet: true, x: \"off\"}}\n");
        var resolved = await workspace.RunAsync("resolve", "app.vse.yaml");
        Assert.Equal(0, resolved.ExitCode);
        workspace.Write("again.vse.yaml", resolved.Stdout);

        var original = await workspace.RunAsync("resolve", "app.vse.yaml", "--json");
        var reread = await workspace.RunAsync("resolve", "again.vse.yaml", "--json");
        Assert.Equal(0, reread.ExitCode);
        Assert.Equal(JsonNode.Parse(original.Stdout)!["digest"]!.ToString(), JsonNode.Parse(reread.Stdout)!["digest"]!.ToString());
    }

    [Fact]
    public async Task Provenance_annotates_each_value_with_its_layer_and_line()
    {
        using var workspace = new Workspace();
        workspace.Write("site/base.vse.yaml", Base);
        workspace.Write("app.vse.yaml", App);
        var outcome = await workspace.RunAsync("resolve", "app.vse.yaml", "--provenance");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("EDITOR: vim  # apps/demo app.vse.yaml:6", outcome.Stdout);
        Assert.Contains("- curl  # site/base site/base.vse.yaml:4", outcome.Stdout);
    }

    [Fact]
    public async Task Explain_shows_the_chain_of_layers_for_a_path()
    {
        using var workspace = new Workspace();
        workspace.Write("site/base.vse.yaml", Base);
        workspace.Write("app.vse.yaml", App);
        var outcome = await workspace.RunAsync("explain", "app.vse.yaml", "env");
        Assert.Equal(0, outcome.ExitCode);
        var lines = outcome.Stdout.Split('\n');
        Assert.Contains("env.EDITOR = vim", lines);
        Assert.Contains(lines, l => l.Contains("set") && l.Contains("site/base") && l.Contains("site/base.vse.yaml:5:"));
        Assert.Contains(lines, l => l.Contains("changed") && l.Contains("apps/demo") && l.Contains("app.vse.yaml:6:"));
        Assert.Contains("env.LANG  (removed)", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("packages", StringComparison.Ordinal));
    }

    /// <summary>A shipped description lies beside the executable, a directory the user never named: shown relative to it.</summary>
    [Fact]
    public async Task Explain_and_provenance_show_a_shipped_description_relative_to_the_shipped_directory()
    {
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", "vse: 1\nname: app\nextends: base/busybox\n");

        var explained = await workspace.RunAsync("explain", "app.vse.yaml", "os.base");
        var provenance = await workspace.RunAsync("resolve", "app.vse.yaml", "--provenance");

        Assert.True(explained.ExitCode == 0, explained.Stderr);
        Assert.Matches(@"(?m)^  set +base/busybox +shipped:base/busybox\.vse\.yaml:\d+:\d+  busybox$", explained.Stdout);
        Assert.Equal(0, provenance.ExitCode);
        Assert.Matches(@"base: busybox  # base/busybox shipped:base/busybox\.vse\.yaml:\d+", provenance.Stdout);
        Assert.DoesNotContain("/descriptions/", explained.Stdout + provenance.Stdout);
    }

    [Fact]
    public async Task A_shipped_base_is_found_without_any_search_path()
    {
        using var workspace = new Workspace();
        workspace.Write("app.vse.yaml", "vse: 1\nname: app\nextends: base/busybox\n");
        var outcome = await workspace.RunAsync("resolve", "app.vse.yaml", "--json");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal("busybox", JsonNode.Parse(outcome.Stdout)!["os"]!["base"]!.GetValue<string>());
    }

    private static string Canonical(JsonNode? node) => node switch
    {
        JsonObject o => "{" + string.Join(",", o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Quote(p.Key) + ":" + Canonical(p.Value))) + "}",
        JsonArray a => "[" + string.Join(",", a.Select(Canonical)) + "]",
        JsonValue v when v.TryGetValue<string>(out var s) => Quote(s),
        JsonValue v => v.ToJsonString(),
        _ => "null",
    };

    private static string CanonicalWith(JsonObject content, string digest, string[] lineage)
    {
        var copy = JsonNode.Parse(content.ToJsonString())!.AsObject();
        copy["digest"] = digest;
        copy["lineage"] = new JsonArray(lineage.Select(l => (JsonNode)JsonValue.Create(l)!).ToArray());
        return Canonical(copy);
    }

    // An independent JCS string encoder: only ", \ and control characters are escaped.
    private static string Quote(string s)
    {
        var b = new StringBuilder("\"");
        foreach (var c in s)
        {
            b.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return b.Append('"').ToString();
    }
}
