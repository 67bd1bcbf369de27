using Vse.Description.Diagnostics;
using Vse.Description.Layers;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Layers;

public sealed class LookupTests
{
    private const string App = "vse: 1\nname: app\nextends: lib/base\n";

    private static string Base(string where) => $"vse: 1\nname: lib/base\ndescription: {where}\n";

    /// <summary>
    /// A base named <c>lib/base</c> in every directory of the search path but the site's, each
    /// saying where it is (a site file of the name would make the user's copies before it an
    /// error: <see cref="SiteNameShadowingTests"/>).
    /// </summary>
    private static (DescriptionWorkspace Ws, ResolveOptions Options) EveryDirectoryHasTheBase()
    {
        var ws = new DescriptionWorkspace();
        ws.Write("apps/app", App);
        ws.Write("apps/lib/base", Base("file-directory"));
        ws.Write("path1/lib/base", Base("vse-path-1"));
        ws.Write("path2/lib/base", Base("vse-path-2"));
        ws.Write("shipped/lib/base", Base("shipped"));
        var searchPath = new SearchPath(
            [Path.Combine(ws.Root, "path1"), Path.Combine(ws.Root, "path2")],
            ws.SiteDirectory,
            Path.Combine(ws.Root, "shipped"));
        return (ws, new ResolveOptions(searchPath, ws.Environment));
    }

    private static string FoundIn(DescriptionWorkspace ws, ResolveOptions options)
    {
        var result = DescriptionResolver.Resolve(ws.PathOf("apps/app"), options);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return Str(result.Description!.Content, "description")!;
    }

    [Fact]
    public void A_base_is_looked_up_in_the_file_directory_then_VSE_PATH_then_the_site_then_the_shipped_directory()
    {
        var (ws, options) = EveryDirectoryHasTheBase();
        using var _ = ws;

        Assert.Equal("file-directory", FoundIn(ws, options));
        File.Delete(ws.PathOf("apps/lib/base"));
        Assert.Equal("vse-path-1", FoundIn(ws, options));
        File.Delete(ws.PathOf("path1/lib/base"));
        Assert.Equal("vse-path-2", FoundIn(ws, options));
        File.Delete(ws.PathOf("path2/lib/base"));
        Assert.Equal("shipped", FoundIn(ws, options));
        ws.WriteSite("lib/base", Base("site"));
        Assert.Equal("site", FoundIn(ws, options));
        File.Delete(Path.Combine(ws.SiteDirectory, "lib", "base.vse.yaml"));
        Assert.Equal("shipped", FoundIn(ws, options));
    }

    [Fact]
    public void The_lineage_records_the_file_that_was_found()
    {
        var (ws, options) = EveryDirectoryHasTheBase();
        using var _ = ws;
        File.Delete(ws.PathOf("apps/lib/base"));

        var layers = DescriptionResolver.Resolve(ws.PathOf("apps/app"), options).Description!.Layers;

        Assert.Equal(ws.PathOf("path1/lib/base"), layers[0].File);
        Assert.Equal(ws.PathOf("apps/app"), layers[1].File);
    }

    [Fact]
    public void The_search_path_is_read_from_VSE_PATH_and_VSE_SITE_DIR()
    {
        var environment = new Dictionary<string, string> { ["VSE_PATH"] = "/a::/b/c/../d:", ["VSE_SITE_DIR"] = "/site" };

        var searchPath = SearchPath.FromEnvironment(environment, "/shipped");

        Assert.Equal(["/here", "/a", "/b/d", "/site", "/shipped"], searchPath.DirectoriesFor("/here"));
    }

    [Fact]
    public void The_site_directory_defaults_to_etc_vse()
    {
        var searchPath = SearchPath.FromEnvironment(new Dictionary<string, string>(), shippedDirectory: null);

        Assert.Equal("/etc/vse", searchPath.SiteDirectory);
        Assert.Equal(["/here", "/etc/vse"], searchPath.DirectoriesFor("/here"));
    }

    [Fact]
    public void A_name_starting_with_dot_slash_is_a_path_relative_to_the_extending_file()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("apps/lib/common", "vse: 1\nname: common\n");
        ws.Write("lib/common", "vse: 1\nname: wrong\n");
        ws.Write("apps/app", "vse: 1\nname: app\nextends: ./lib/common.vse.yaml\n");

        Assert.Equal(["common", "app"], ws.ResolveOk("apps/app").Lineage);
    }

    [Fact]
    public void A_name_starting_with_dot_dot_is_a_path_relative_to_the_extending_file()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("common/mpi", "vse: 1\nname: mpi\n");
        ws.Write("apps/app", "vse: 1\nname: app\nextends: ../common/mpi.vse.yaml\n");

        var resolved = ws.ResolveOk("apps/app");

        Assert.Equal(ws.PathOf("common/mpi"), resolved.Layers[0].File);
    }

    [Fact]
    public void A_name_ending_in_vse_yaml_is_a_path_even_without_dot_slash()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("apps/lib/x", "vse: 1\nname: x\n");
        ws.Write("apps/app", "vse: 1\nname: app\nextends: lib/x.vse.yaml\n");

        Assert.Equal(["x", "app"], ws.ResolveOk("apps/app").Lineage);
    }

    [Fact]
    public void An_absolute_path_is_used_as_it_is()
    {
        using var ws = new DescriptionWorkspace();
        var basePath = ws.Write("elsewhere/base", "vse: 1\nname: base\n");
        ws.Write("app", $"vse: 1\nname: app\nextends: {basePath}\n");

        Assert.Equal(["base", "app"], ws.ResolveOk("app").Lineage);
    }

    [Fact]
    public void A_missing_file_path_base_names_the_file()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\nextends: ./nothere.vse.yaml\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.MissingBase);

        At(error, path, 3, 10);
        Assert.Contains(Path.Combine(ws.Root, "nothere.vse.yaml"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_base_names_the_name_and_every_directory_searched()
    {
        using var ws = new DescriptionWorkspace();
        ws.Environment["VSE_PATH"] = Path.Combine(ws.Root, "p1") + ":" + Path.Combine(ws.Root, "p2");
        ws.ShippedDirectory = Path.Combine(ws.Root, "shipped");
        var path = ws.Write("apps/app", "vse: 1\nname: app\nextends: site/hcp\n");

        var error = Single(ws.ResolveFails("apps/app"), DiagnosticCodes.MissingBase);

        At(error, path, 3, 10);
        Assert.Contains("'site/hcp'", error.Message, StringComparison.Ordinal);
        var searched = new[] { Path.Combine(ws.Root, "apps"), Path.Combine(ws.Root, "p1"), Path.Combine(ws.Root, "p2"), ws.SiteDirectory, ws.ShippedDirectory };
        var positions = searched.Select(d => error.Message.IndexOf(d, StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0, error.Message));
        Assert.Equal(positions.Order(), positions); // listed in search order
    }

    [Theory]
    [InlineData("Site/HPC")]
    [InlineData("a/../b")]
    [InlineData("-base")]
    [InlineData("a b")]
    public void A_base_name_that_is_neither_a_name_nor_a_path_is_refused(string name)
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", $"vse: 1\nname: app\nextends: \"{name}\"\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidBaseName), path, 3, 10);
    }

    [Fact]
    public void A_base_written_in_JSON_is_found_by_its_name()
    {
        using var ws = new DescriptionWorkspace();
        ws.WriteFile("jbase.vse.json", """{"vse": 1, "name": "jbase", "env": {"FROM": "json"}}""");
        ws.Write("app", "vse: 1\nname: app\nextends: jbase\n");

        var resolved = ws.ResolveOk("app");

        Assert.Equal("json", Str(resolved.Content, "env.FROM"));
        Assert.Equal(["jbase", "app"], resolved.Lineage);
    }

    [Fact]
    public void A_YAML_base_is_preferred_to_a_JSON_base_in_the_same_directory()
    {
        using var ws = new DescriptionWorkspace();
        ws.WriteFile("b.vse.json", """{"vse": 1, "name": "b", "env": {"FROM": "json"}}""");
        ws.Write("b", "vse: 1\nname: b\nenv: {FROM: yaml}\n");
        ws.Write("app", "vse: 1\nname: app\nextends: b\n");

        Assert.Equal("yaml", Str(ws.ResolveOk("app").Content, "env.FROM"));
    }

    [Fact]
    public void Extends_of_the_wrong_type_is_refused()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\nextends: {a: b}\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.WrongType), path, 3, 10);
    }

    [Fact]
    public void A_file_that_does_not_exist_cannot_be_resolved()
    {
        using var ws = new DescriptionWorkspace();

        Single(ws.ResolveFails("nothere"), DiagnosticCodes.UnreadableFile);
    }
}
