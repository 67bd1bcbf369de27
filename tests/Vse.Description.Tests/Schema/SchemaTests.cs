using Vse.Description.Diagnostics;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Schema;

public sealed class SchemaTests
{
    [Fact]
    public void A_misspelt_top_level_key_suggests_the_nearest_known_key()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\npakages: [vim]\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.UnknownKey);

        At(error, path, 3, 1);
        Assert.Contains("'pakages'", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'packages'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_nested_key_names_its_path_and_suggests_the_sibling()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\nos:\n  bsae: busybox\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.UnknownKey);

        At(error, path, 4, 3);
        Assert.Contains("'os.bsae'", error.Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'base'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_far_from_every_known_key_has_no_suggestion()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nzzzzzzzzzzzz: 1\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.UnknownKey);

        Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: app\ndescription: {a: 1}", 3, 14)] // map where a string is expected
    [InlineData("name: app\nrun: [make]", 3, 6)] // list where a string is expected
    [InlineData("name: app\nenv: [A]", 3, 6)] // list where a map is expected
    [InlineData("name: app\nos: busybox", 3, 5)] // scalar where a map is expected
    [InlineData("name: app\nresources: {cpus: four}", 3, 19)] // string for an integer
    [InlineData("name: app\nresources: {cpus: \"4\"}", 3, 19)] // a quoted number is a string
    [InlineData("name: app\ndeploy: {instances: 2.5}", 3, 21)]
    [InlineData("name: app\nfiles: [{mkdir: /a}, [oops]]", 3, 22)] // a step must be a map
    [InlineData("name: app\nbuild: [{run: make, online: yes}]", 3, 29)] // only true/false are booleans
    [InlineData("name: app\npackages: 7", 3, 11)]
    public void A_value_of_the_wrong_type_is_an_error_at_the_value(string body, int line, int column)
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\n" + body + "\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.WrongType), path, line, column);
    }

    [Fact]
    public void An_integer_below_its_minimum_is_an_invalid_value()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\ndeploy: {instances: 0}\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue), path, 3, 21);
    }

    [Fact]
    public void Env_values_written_as_numbers_or_booleans_are_kept_as_the_text_written()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nenv: {OMP_NUM_THREADS: 8, DEBUG: true}\n");

        var content = ws.ResolveOk("app").Content;

        Assert.Equal("8", Str(content, "env.OMP_NUM_THREADS"));
        Assert.Equal("true", Str(content, "env.DEBUG"));
    }

    [Fact]
    public void Boot_cmdline_values_keep_their_type()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nboot: {cmdline: {quiet: true, hugepages: 512, thp: never, n: \"8\"}}\n");

        var content = ws.ResolveOk("app").Content;

        Assert.Equal(true, (Get(content, "boot.cmdline.quiet") as Model.ScalarValue)?.AsBoolean);
        Assert.Equal(512, Int(content, "boot.cmdline.hugepages"));
        Assert.Equal("never", Str(content, "boot.cmdline.thp"));
        Assert.Equal("8", Str(content, "boot.cmdline.n"));
    }

    [Fact]
    public void A_file_without_vse_is_refused()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "name: app\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.MissingKey);

        At(error, path, 1, 1);
        Assert.Contains("vse: 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vse: 2")]
    [InlineData("vse: 1.0")]
    [InlineData("vse: v1")]
    public void Another_format_version_is_refused_at_the_value(string header)
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", header + "\nname: app\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.UnsupportedVersion), path, 1, 6);
    }

    [Fact]
    public void A_file_without_name_is_refused()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nrun: x\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.MissingKey);

        At(error, path, 1, 1);
        Assert.Contains("'name'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("My-App")]
    [InlineData("_app")]
    [InlineData("app name")]
    [InlineData("-app")]
    [InlineData("app\\n")] // YAML's escape: a trailing newline, which a regular expression's '$' lets through
    public void A_name_outside_the_pattern_is_refused(string name)
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", $"vse: 1\nname: \"{name}\"\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue), path, 2, 7);
    }

    [Theory]
    [InlineData("apps/hello")]
    [InlineData("0ad")]
    [InlineData("a.b_c-d")]
    public void A_name_inside_the_pattern_is_accepted(string name)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", $"vse: 1\nname: {name}\n");

        Assert.Equal(name, ws.ResolveOk("app").Name);
    }

    [Fact]
    public void Network_mode_outside_its_choices_is_refused_with_the_choices()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\nnetwork: {mode: bridge}\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue);

        At(error, path, 3, 17);
        Assert.Contains("none, private, host", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deploy_driver_outside_its_choices_is_refused_with_a_suggestion()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\ndeploy: {driver: vmm}\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue);

        At(error, path, 3, 18);
        Assert.Contains("did you mean 'vm'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deploy_writes_outside_its_choices_is_refused_at_its_value_with_the_choices()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\ndeploy: {writes: ram}\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue);

        At(error, path, 3, 18);
        Assert.Contains("disk, memory", error.Message, StringComparison.Ordinal);
        Assert.Contains("'ram'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("disk")]
    [InlineData("memory")]
    public void Every_deploy_writes_value_is_accepted_as_written(string writes)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", $"vse: 1\nname: app\ndeploy: {{writes: {writes}}}\n");

        Assert.Equal(writes, Str(ws.ResolveOk("app").Content, "deploy.writes"));
    }

    [Fact]
    public void Deploy_writes_gets_no_default_in_the_resolved_description()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\ndeploy: {instances: 2}\n");

        Assert.Null(Str(ws.ResolveOk("app").Content, "deploy.writes"));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("private")]
    [InlineData("host")]
    public void Every_network_mode_is_accepted(string mode)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", $"vse: 1\nname: app\nnetwork: {{mode: {mode}}}\n");

        Assert.Equal(mode, Str(ws.ResolveOk("app").Content, "network.mode"));
    }

    [Theory]
    [InlineData("os: {base: ubuntu:22.04}")]
    [InlineData("os: {kernel: linux}")]
    [InlineData("packages: [Vim]")]
    [InlineData("devices: [/tmp/fuse]")]
    [InlineData("network: {subnet: 10.0.0.0}")]
    [InlineData("env: {1BAD: x}")]
    [InlineData("mounts: {/data: {source: /d, mode: rx}}")]
    // A trailing newline (YAML's escape), which a regular expression's '$' lets through.
    [InlineData("services: [\"sshd\\n\"]")]
    [InlineData("os: {kernel: \"package:linux-image-amd64\\n\"}")]
    [InlineData("env: {\"PATH\\n\": x}")]
    [InlineData("boot: {cmdline: {\"quiet\\n\": true}}")]
    [InlineData("devices: [\"/dev/fuse\\n\"]")]
    [InlineData("files: [{write: /a, content: x, mode: \"0644\\n\"}]")]
    public void A_value_outside_its_pattern_is_an_invalid_value(string body)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\n" + body + "\n");

        Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue);
    }

    [Theory]
    [InlineData("vim;id")]
    [InlineData("vim id")]
    [InlineData("$(id)")]
    [InlineData("`id`")]
    [InlineData("vim|sh")]
    [InlineData("-oAPT::Get::AllowUnauthenticated=true")]
    [InlineData("--allow-unauthenticated")]
    [InlineData("vim\\n")] // YAML's escape: a trailing newline, which a regular expression's '$' lets through
    [InlineData("vim\\nid")]
    [InlineData("../../etc/passwd")]
    public void A_package_name_with_shell_metacharacters_or_an_option_is_refused(string package)
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", $"vse: 1\nname: app\npackages: [\"{package.Replace("\"", "\\\"", StringComparison.Ordinal)}\"]\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue), path, 3, 12);
    }

    [Fact]
    public void A_mount_source_must_be_an_absolute_host_path()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\nmounts: {/data: {source: data}}\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidValue), path, 3, 26);
    }

    [Fact]
    public void A_mount_without_source_after_merging_is_an_error()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nmounts: {/data: {mode: ro}}\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.MissingKey);

        Assert.Contains("'source'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_later_layer_may_give_only_the_mount_keys_it_changes()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("base", "vse: 1\nname: base\nmounts: {/data: {source: /srv/data, mode: rw}}\n");
        ws.Write("app", "vse: 1\nname: app\nextends: base\nmounts: {/data: {mode: ro}}\n");

        var mount = (Model.MapValue)((Model.MapValue)ws.ResolveOk("app").Content["mounts"]!)["/data"]!;

        Assert.Equal("/srv/data", (mount["source"] as Model.ScalarValue)?.AsString);
        Assert.Equal("ro", (mount["mode"] as Model.ScalarValue)?.AsString);
    }

    [Theory]
    [InlineData("/lustre/", "/lustre")]
    [InlineData("//lustre", "/lustre")]
    [InlineData("/./lustre", "/lustre")]
    [InlineData("/x/../lustre", "/lustre")]
    public void A_mount_target_must_be_written_in_its_normal_form(string target, string normal)
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", $"vse: 1\nname: app\nmounts:\n  \"{target}\": {{source: /srv}}\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.UnsafePath);

        At(error, path, 4, 3);
        Assert.Contains($"'{normal}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mount_target_that_climbs_out_of_the_image_is_unsafe()
    {
        using var ws = new DescriptionWorkspace();
        var path = ws.Write("app", "vse: 1\nname: app\nmounts:\n  /a/../../etc: {source: /srv}\n");

        At(Single(ws.ResolveFails("app"), DiagnosticCodes.UnsafePath), path, 4, 3);
    }
}
