using System.Runtime.CompilerServices;
using CsCheck;
using Vse.Description.Diagnostics;
using Vse.Description.Syntax;

namespace Vse.Description.Tests.Syntax;

/// <summary>
/// The subset reader against YamlDotNet, the reference: on every text it either declines (and
/// YamlDotNet reads it) or builds the same tree with the same locations, and it reads the common
/// shapes itself (else it would save nothing).
/// </summary>
public sealed class SubsetYamlReaderTests
{
    private static SyntaxNode? Subset(string text) => SubsetYamlReader.TryRead("f.vse.yaml", text, ReaderLimits.Default);

    private static void AssertAgrees(string text)
    {
        var disagreement = SubsetDocuments.Disagreement(text, out _);
        Assert.True(disagreement is null, disagreement);
    }

    [Fact]
    public void Generated_documents_are_read_as_YamlDotNet_reads_them()
    {
        var read = 0;
        var total = 0;
        Gen.Int.Sample(seed =>
        {
            var text = SubsetDocuments.Write(seed);
            var disagreement = SubsetDocuments.Disagreement(text, out var subsetRead);
            Interlocked.Increment(ref total);
            if (subsetRead)
            {
                Interlocked.Increment(ref read);
            }

            Assert.True(disagreement is null, disagreement);
        }, iter: 4000, threads: 1);

        // The generator writes odd scalars on purpose; still, a good share must be in the subset.
        Assert.True(read > total / 10, $"the subset reader read only {read} of {total} generated documents");
    }

    [Fact]
    public void Damaged_documents_are_declined_or_read_as_YamlDotNet_reads_them()
    {
        Gen.Int.Sample(seed =>
        {
            var text = SubsetDocuments.Damaged(seed);
            var disagreement = SubsetDocuments.Disagreement(text, out _);
            Assert.True(disagreement is null, disagreement);
        }, iter: 4000, threads: 1);
    }

    [Fact]
    public void Every_description_in_the_repository_is_read_as_YamlDotNet_reads_it()
    {
        var files = Directory.EnumerateFiles(RepositoryRoot(), "*.vse.yaml", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);

        var read = 0;
        foreach (var file in files)
        {
            var disagreement = SubsetDocuments.Disagreement(File.ReadAllText(file), out var subsetRead);
            Assert.True(disagreement is null, $"{file}: {disagreement}");
            read += subsetRead ? 1 : 0;
        }

        Assert.True(read > files.Count / 2, $"the subset reader read only {read} of {files.Count} descriptions");
    }

    [Theory]
    [InlineData("vse: 1\nname: app\n")]
    [InlineData("# comment\n\nvse: 1 # trailing\nname: \"a b\"\n")]
    [InlineData("env:\n  A: 'it''s'\n  B: \"tab\\tand \\\"quote\\\" and \\\\\"\n  C:\n")]
    [InlineData("packages: [a, b, \"c\"]\nresources: {cpus: 2, memory: 4Gi}\n")]
    [InlineData("files:\n  - {id: a, write: /etc/x, content: \"# x\\n\"}\n  - mkdir: /opt/d\n    mode: \"0755\"\n")]
    [InlineData("files:\n- id: a\n  link: /x\n- id: b\nrun: x\n")]
    [InlineData("run:\n  - mpirun\n  -\n  - -np\n  - 4\n")]
    [InlineData("{\"vse\":1,\"name\":\"app\",\"env\":{\"A\":\"1\"}}\n")]
    [InlineData("boot:\n  cmdline:\n    console: ttyS0,115200\n    a.b: x:y\n")]
    [InlineData("packages: [a,\n    b, # two\n    c]\n")]
    [InlineData("name: ünïcødé ✓\n")]
    [InlineData("key: value")]
    public void Description_shapes_are_read_by_the_subset_reader_as_YamlDotNet_reads_them(string text)
    {
        Assert.NotNull(Subset(text));
        AssertAgrees(text);
    }

    [Theory]
    [InlineData("base: &b {a: 1}\nother: *b\n")] // anchor and alias
    [InlineData("n: !!str 8\n")] // tag
    [InlineData("content: |\n  line\n")] // block scalars
    [InlineData("content: >\n  folded\n")]
    [InlineData("run: a long\n  command\n")] // a plain scalar over two lines
    [InlineData("run: \"a long\n  command\"\n")] // a quoted one
    [InlineData("a:\n\tb: 1\n")] // tab
    [InlineData("a: 1\r\nb: 2\r\n")] // CRLF
    [InlineData("%YAML 1.2\n---\na: 1\n")] // directive
    [InlineData("---\na: 1\n")] // document marker
    [InlineData("a: 1\n...\n")]
    [InlineData("a: 1\na: 2\n")] // duplicate key: YamlDotNet's reader reports it
    [InlineData("a: {b: 1, b: 2}\n")]
    [InlineData("a: \"\\0\"\n")] // NUL: reported
    [InlineData("a: \"\\u00e9\"\n")] // rarer escapes
    [InlineData("a: [1, 2, ]\n")] // trailing comma
    [InlineData("a: [b: 1]\n")] // single-pair mapping in a flow sequence
    [InlineData("? complex\n: key\n")]
    [InlineData("a:\n  scalar on the next line\n")]
    [InlineData("a: b: c\n")] // errors
    [InlineData("a: [1, 2\n")]
    [InlineData("a: 1\n b: 2\n")]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("a: \"x\"#y\n")]
    [InlineData("k *51: \"y#1\"\n")] // a '*' after a space in a plain scalar: YamlDotNet reads "k *51: y" as one scalar
    [InlineData("a: {k *5: y}\n")]
    [InlineData("a: k *5\n")]
    [InlineData("a: [-]\n")] // a '-' before a flow indicator: YamlDotNet reports it
    [InlineData("a: [x, -]\n")]
    public void Text_outside_the_subset_is_declined(string text)
    {
        Assert.Null(Subset(text));
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_left_to_YamlDotNet_which_reports_it()
    {
        var text = "a: " + new string('[', 70) + new string(']', 70) + "\n";

        Assert.Null(Subset(text));
        var diagnostics = new DiagnosticBag();
        YamlFileReader.ReadText("f.vse.yaml", text, ReaderLimits.Default, diagnostics);
        Assert.Equal(DiagnosticCodes.NestingTooDeep, Assert.Single(diagnostics.Items).Code);
    }

    [Fact]
    public void Locations_are_those_of_YamlDotNet_for_an_empty_value_and_a_compact_item()
    {
        var root = Assert.IsType<MappingNode>(Subset("a:\nb:\n  - x: 1\n    y:\n"));

        Assert.Equal(new SourceLocation("f.vse.yaml", 1, 3), root.Entries[0].Value.Location);
        var item = Assert.IsType<MappingNode>(Assert.IsType<SequenceNode>(root.Entries[1].Value).Items[0]);
        Assert.Equal(new SourceLocation("f.vse.yaml", 3, 5), item.Location);
        Assert.Equal(new SourceLocation("f.vse.yaml", 4, 7), item.Entries[1].Value.Location);
    }

    private static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));
}
