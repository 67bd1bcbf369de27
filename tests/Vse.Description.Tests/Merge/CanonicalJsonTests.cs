using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Vse.Description.Merge;
using Vse.Description.Model;
using Vse.Description.Tests.Support;

namespace Vse.Description.Tests.Merge;

public sealed partial class CanonicalJsonTests
{
    private static MapValue Map(params (string Key, DescriptionValue Value)[] entries) =>
        entries.Aggregate(MapValue.Empty, (map, e) => map.With(e.Key, e.Value));

    private static string Quoted(string text)
    {
        var builder = new StringBuilder();
        CanonicalJson.WriteString(builder, text);
        return builder.ToString();
    }

    [Fact]
    public void Keys_are_sorted_by_UTF16_code_units()
    {
        // UTF-16 order puts U+1F600 (surrogates D83D DE00) before U+FF45; code point order would not.
        var map = Map(("ｅ", ScalarValue.Of(1)), ("😀", ScalarValue.Of(2)), ("é", ScalarValue.Of(3)), ("z", ScalarValue.Of(4)), ("a", ScalarValue.Of(5)), ("A", ScalarValue.Of(6)));

        Assert.Equal("""{"A":6,"a":5,"z":4,"é":3,"😀":2,"ｅ":1}""", CanonicalJson.Serialize(map));
    }

    [Fact]
    public void Mount_targets_with_non_ASCII_names_come_out_in_UTF16_order()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", """
            vse: 1
            name: app
            mounts:
              /ｅ: {source: /srv/e}
              /😀: {source: /srv/smile}
              /é: {source: /srv/eacute}
              /z: {source: /srv/z}
            """);

        var json = ws.ResolveOk("app").ToCanonicalJson();

        var order = new[] { "\"/z\"", "\"/é\"", "\"/😀\"", "\"/ｅ\"" }.Select(k => json.IndexOf(k, StringComparison.Ordinal)).ToList();
        Assert.All(order, i => Assert.True(i >= 0, json));
        Assert.Equal(order.Order(), order);
    }

    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("quote\" backslash\\", "\"quote\\\" backslash\\\\\"")]
    [InlineData("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"")]
    [InlineData("\u0000\u0001\u001f", "\"\\u0000\\u0001\\u001f\"")]
    [InlineData("\u000b\u001e", "\"\\u000b\\u001e\"")]
    [InlineData("é€😀ｅ", "\"é€😀ｅ\"")]
    [InlineData("\u007f/<>&'", "\"\u007f/<>&'\"")]
    public void Strings_are_escaped_minimally_with_lowercase_hex_and_no_escaping_of_non_ASCII(string text, string expected) =>
        Assert.Equal(expected, Quoted(text));

    [Fact]
    public void Integers_and_booleans_are_written_plainly()
    {
        var map = Map(("big", ScalarValue.Of(1L << 53)), ("neg", ScalarValue.Of(-5)), ("no", ScalarValue.Of(false)), ("yes", ScalarValue.Of(true)));

        Assert.Equal("""{"big":9007199254740992,"neg":-5,"no":false,"yes":true}""", CanonicalJson.Serialize(map));
    }

    [Fact]
    public void Sets_are_sorted_arrays_and_steps_keep_their_order()
    {
        var set = new SetValue(ImmutableSortedSet.Create(StringComparer.Ordinal, "zsh", "bash", "Ä", "curl"));
        var steps = new StepListValue([
            new Step("l#1", null, Map(("mkdir", ScalarValue.Of("/z")))),
            new Step("a", "a", Map(("id", ScalarValue.Of("a")), ("mkdir", ScalarValue.Of("/a")))),
        ]);

        Assert.Equal("""{"files":[{"mkdir":"/z"},{"id":"a","mkdir":"/a"}],"packages":["bash","curl","zsh","Ä"]}""",
            CanonicalJson.Serialize(Map(("packages", set), ("files", steps))));
    }

    [Fact]
    public void A_small_description_has_exactly_this_canonical_form_and_digest()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("base", "vse: 1\nname: base\nenv: {TZ: UTC}\npackages: [nano]\n");
        ws.Write("app", """
            # comments and formatting do not matter
            name: app
            vse: 1
            extends: base
            resources: {memory: 1Gi, cpus: 2}
            packages: {add: [vim], remove: [nano]}
            files: [{id: motd, write: /etc/motd, content: "hi\n"}]
            """);

        var resolved = ws.ResolveOk("app");

        const string content = """{"env":{"TZ":"UTC"},"files":[{"content":"hi\n","id":"motd","write":"/etc/motd"}],"name":"app","packages":["vim"],"resources":{"cpus":2,"memory":1073741824},"vse":1}""";
        Assert.Equal(content, CanonicalJson.Serialize(resolved.Content));
        // The digest constant below was computed independently (Python's hashlib and json.dumps(sort_keys=True)).
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))), resolved.Digest);
        Assert.Equal(ExpectedSmallDigest, resolved.Digest);
        Assert.Equal(
            "{\"digest\":\"" + ExpectedSmallDigest + "\"," + content[1..].Replace("\"name\"", "\"lineage\":[\"base\",\"app\"],\"name\"", StringComparison.Ordinal),
            resolved.ToCanonicalJson());
    }

    private const string ExpectedSmallDigest = "sha256:9f787e45b68533bca7b89ea3298252b1e6d28e3519a8d85d543a8efcdc4cc69f";

    [Fact]
    public void The_digest_is_the_hash_of_the_output_without_lineage_and_digest()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("base", "vse: 1\nname: base\nenv: {A: a}\n");
        ws.Write("app", "vse: 1\nname: app\nextends: base\nrun: x\n");

        var resolved = ws.ResolveOk("app");
        var json = resolved.ToCanonicalJson();
        var stripped = LineageMember().Replace(DigestMember().Replace(json, ""), "");

        Assert.Equal(CanonicalJson.Serialize(resolved.Content), stripped);
        Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(stripped))), resolved.Digest);
        Assert.Contains("\"digest\":\"" + resolved.Digest + "\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_lineage_lists_layer_names_base_first()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("a", "vse: 1\nname: vendor/os\n");
        ws.Write("b", "vse: 1\nname: site/hpc\nextends: a\n");
        ws.Write("c", "vse: 1\nname: apps/model\nextends: b\n");

        var json = ws.ResolveOk("c").ToCanonicalJson();

        Assert.Contains("\"lineage\":[\"vendor/os\",\"site/hpc\",\"apps/model\"]", json, StringComparison.Ordinal);
    }

    [Fact]
    public void No_directive_is_left_in_the_output()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("base", "vse: 1\nname: base\npackages: [nano, curl]\nfiles: [{id: x, mkdir: /x}]\ntargets: {cluster: {env: {T: c}}}\n");
        ws.Write("app", """
            vse: 1
            name: app
            extends: [base]
            packages: {add: [vim], remove: [nano]}
            env!: {A: a}
            files: [{id: x, remove: true}, {mkdir: /y}]
            targets: {cluster: {deploy: {instances: 2}}}
            """);

        foreach (var target in new[] { null, "cluster" })
        {
            var json = ws.ResolveOk("app", target).ToCanonicalJson();

            foreach (var directive in new[] { "\"extends\"", "\"targets\"", "\"policy\"", "\"add\"", "\"remove\"", "!\"", "\"cluster\"" })
            {
                Assert.DoesNotContain(directive, json, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Defaults_written_out_or_left_out_give_the_same_digest()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("implicit", """
            vse: 1
            name: app
            files: [{link: /a, to: /b}, {mkdir: /m, mode: "755"}]
            build: [{run: make}]
            mounts: {/data: {source: /srv/data}}
            """);
        ws.Write("explicit", """
            vse: 1
            name: app
            files: [{link: /a, to: /b, hard: false}, {mkdir: /m, mode: "0755"}]
            build: [{run: make, online: false}]
            mounts: {/data: {source: /srv/data, mode: ro}}
            """);

        var implicitDefaults = ws.ResolveOk("implicit");

        Assert.Equal(ws.ResolveOk("explicit").Digest, implicitDefaults.Digest);
        var json = implicitDefaults.ToCanonicalJson();
        Assert.Contains("\"hard\":false", json, StringComparison.Ordinal);
        Assert.Contains("\"online\":false", json, StringComparison.Ordinal);
        Assert.Contains("\"mode\":\"ro\"", json, StringComparison.Ordinal);
        Assert.Contains("\"mode\":\"0755\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void A_different_value_gives_a_different_digest()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("a", "vse: 1\nname: app\nenv: {A: x}\n");
        ws.Write("b", "vse: 1\nname: app\nenv: {A: y}\n");
        ws.Write("c", "vse: 1\nname: app\nenv: {A: x}\nrun: \"\"\n");

        var digests = new[] { "a", "b", "c" }.Select(n => ws.ResolveOk(n).Digest).ToList();

        Assert.Equal(3, digests.Distinct().Count());
        Assert.All(digests, d => Assert.Matches("^sha256:[0-9a-f]{64}$", d));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_digest_hashes_the_UTF8_of_the_whole_JSON_however_it_is_split_into_chunks(int offset)
    {
        // Long enough for many builder chunks and encoder buffers, with surrogate pairs (and a lone
        // surrogate, which UTF-8 writes as U+FFFD) at every alignment, so some fall on a boundary.
        var text = new string('a', offset) + string.Concat(Enumerable.Repeat("x😀é\ud800\"ｅ", 9_000));
        var value = Map(("env", Map(("LONG", ScalarValue.Of(text)), ("N", ScalarValue.Of(offset)))));

        var expected = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(value))));

        Assert.Equal(expected, CanonicalJson.Digest(value));
    }

    [GeneratedRegex("\"digest\":\"sha256:[0-9a-f]{64}\",")]
    private static partial Regex DigestMember();

    [GeneratedRegex("\"lineage\":\\[[^\\]]*\\],")]
    private static partial Regex LineageMember();
}
