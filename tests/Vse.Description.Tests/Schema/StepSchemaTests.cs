using Vse.Description.Diagnostics;
using Vse.Description.Model;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Schema;

public sealed class StepSchemaTests
{
    private static (string Path, IReadOnlyList<Diagnostic> Diagnostics) Fails(DescriptionWorkspace ws, string steps)
    {
        var path = ws.Write("app", "vse: 1\nname: app\n" + steps + "\n");
        return (path, ws.ResolveFails("app"));
    }

    private static string Text(MapValue step, string key) => (step[key] as ScalarValue)?.ToString() ?? "";

    [Fact]
    public void Every_kind_of_files_step_is_accepted_in_canonical_form()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", """
            vse: 1
            name: app
            files:
              - {id: src, copy: ./src, to: /opt/app/src, mode: "0755", owner: "root:staff"}
              - {link: ../bin/model, to: /usr/local/bin/model}
              - {link: /usr/bin/true, to: /usr/bin/yes, hard: true}
              - {delete: /etc/motd}
              - {write: /etc/profile.d/app.sh, content: "export A=1\n", mode: "0644"}
              - {mkdir: /scratch, mode: "1777"}
              - {edit: /etc/security/limits.conf, append: "* soft memlock unlimited"}
              - {edit: /etc/app.conf, replace: {pattern: '^log=(\w+)$', with: 'log=$1,audit'}}
              - {edit: /etc/app.conf, set: {threads: 8, log: debug}}
            build:
              - {id: compile, run: make -j, workdir: /opt/app/src, env: {CFLAGS: -O2}, online: true}
              - run: make install
            """);

        var content = ws.ResolveOk("app").Content;
        var files = Steps(content, "files");
        var build = Steps(content, "build");

        Assert.Equal(9, files.Count);
        Assert.Equal("src", Text(files[0], "id"));
        Assert.Equal(Path.Combine(ws.Root, "src"), Text(files[0], "copy"));
        Assert.Equal("root:staff", Text(files[0], "owner"));
        Assert.Equal("../bin/model", Text(files[1], "link")); // a symlink target may be relative
        Assert.Equal("true", Text(files[2], "hard"));
        Assert.Equal("/etc/motd", Text(files[3], "delete"));
        Assert.Equal("export A=1\n", Text(files[4], "content"));
        Assert.Equal("1777", Text(files[5], "mode"));
        Assert.Equal("* soft memlock unlimited", Text(files[6], "append"));
        var replace = (MapValue)files[7]["replace"]!;
        Assert.Equal(@"^log=(\w+)$", Text(replace, "pattern"));
        Assert.Equal("log=$1,audit", Text(replace, "with"));
        var set = (MapValue)files[8]["set"]!;
        Assert.Equal("8", Text(set, "threads"));
        Assert.Equal(2, build.Count);
        Assert.Equal("true", Text(build[0], "online"));
        Assert.Equal("-O2", Text((MapValue)build[0]["env"]!, "CFLAGS"));
        Assert.Equal("make install", Text(build[1], "run"));
    }

    [Fact]
    public void Each_step_of_a_list_has_its_own_fields_only_also_after_an_invalid_one()
    {
        // The reader reuses one step's fields and body for the next: nothing may carry over.
        using var ws = new DescriptionWorkspace();
        ws.Write("app", """
            vse: 1
            name: app
            files:
              - {id: first, link: /a, to: /b, hard: true}
              - {link: /c, to: /d}
              - {mkdir: /e}
            build:
              - {run: one, online: true, workdir: /w}
              - {id: second, run: two}
            """);

        var content = ws.ResolveOk("app").Content;
        var files = Steps(content, "files");
        var build = Steps(content, "build");

        Assert.Equal(["hard", "id", "link", "to"], files[0].Entries.Keys);
        Assert.Equal(["hard", "link", "to"], files[1].Entries.Keys);
        Assert.Equal("false", Text(files[1], "hard"));
        Assert.Equal(["mkdir"], files[2].Entries.Keys);
        Assert.Equal(["online", "run", "workdir"], build[0].Entries.Keys);
        Assert.Equal(["id", "online", "run"], build[1].Entries.Keys);
        Assert.Equal("false", Text(build[1], "online"));

        ws.Write("broken", "vse: 1\nname: broken\nfiles:\n  - {write: /x, content: a, bogus: 1}\n  - {write: /y, content: b}\n");
        var error = Single(ws.ResolveFails("broken"), DiagnosticCodes.UnknownKey);
        Assert.Contains("'bogus'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_step_without_to_is_missing_a_key()
    {
        using var ws = new DescriptionWorkspace();
        var (path, diagnostics) = Fails(ws, "files:\n  - {copy: ./src}");

        var error = Single(diagnostics, DiagnosticCodes.MissingKey);
        At(error, path, 4, 5);
        Assert.Contains("'to'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_step_names_its_archive_relative_to_the_file_and_its_digest()
    {
        using var ws = new DescriptionWorkspace();
        var digest = "sha256:" + new string('a', 64);
        ws.Write("app", $"vse: 1\nname: app\nfiles:\n  - {{layer: app.layer.tar, digest: \"{digest}\"}}\n");

        var step = Assert.Single(Steps(ws.ResolveOk("app").Content, "files"));

        Assert.Equal(Path.Combine(ws.Root, "app.layer.tar"), Text(step, "layer"));
        Assert.Equal(digest, Text(step, "digest"));
    }

    [Theory]
    [InlineData("files:\n  - {layer: app.layer.tar}", DiagnosticCodes.MissingKey, "'digest'")]
    [InlineData("files:\n  - {layer: app.layer.tar, digest: \"sha256:ABC\"}", DiagnosticCodes.InvalidValue, "sha256: and 64 lowercase hexadecimal digits")]
    [InlineData("files:\n  - {layer: app.layer.tar, digest: \"md5:d41d8cd98f00b204e9800998ecf8427e\"}", DiagnosticCodes.InvalidValue, "sha256: and 64")]
    [InlineData("files:\n  - {layer: app.layer.tar, digest: \"sha256:0000000000000000000000000000000000000000000000000000000000000000\", mode: \"0644\"}", DiagnosticCodes.UnknownKey, "'layer' step does not take 'mode'")]
    public void A_layer_step_without_a_well_formed_digest_is_refused(string steps, string code, string message)
    {
        using var ws = new DescriptionWorkspace();
        var (_, diagnostics) = Fails(ws, steps);

        Assert.Contains(message, Single(diagnostics, code).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_write_step_without_content_is_missing_a_key()
    {
        using var ws = new DescriptionWorkspace();
        var (_, diagnostics) = Fails(ws, "files:\n  - {write: /etc/motd}");

        Assert.Contains("'content'", Single(diagnostics, DiagnosticCodes.MissingKey).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_build_step_without_run_is_missing_a_key()
    {
        using var ws = new DescriptionWorkspace();
        var (_, diagnostics) = Fails(ws, "build:\n  - {workdir: /src}");

        Assert.Contains("'run'", Single(diagnostics, DiagnosticCodes.MissingKey).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_with_two_verbs_is_invalid()
    {
        using var ws = new DescriptionWorkspace();
        var (path, diagnostics) = Fails(ws, "files:\n  - {delete: /a, mkdir: /b}");

        var error = Single(diagnostics, DiagnosticCodes.InvalidStep);
        At(error, path, 4, 5);
        Assert.Contains("delete and mkdir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_with_no_verb_is_invalid_and_suggests_one()
    {
        using var ws = new DescriptionWorkspace();
        var (_, diagnostics) = Fails(ws, "files:\n  - {delet: /a}");

        var error = Single(diagnostics, DiagnosticCodes.InvalidStep);
        Assert.Contains("did you mean 'delete'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_in_a_step_is_reported_at_the_key_with_a_suggestion()
    {
        using var ws = new DescriptionWorkspace();
        var (path, diagnostics) = Fails(ws, "files:\n  - {write: /a, content: x, mdoe: \"0644\"}");

        var error = Single(diagnostics, DiagnosticCodes.UnknownKey);
        At(error, path, 4, 29);
        Assert.Contains("did you mean 'mode'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_another_verb_is_unknown_in_this_step()
    {
        using var ws = new DescriptionWorkspace();
        var (_, diagnostics) = Fails(ws, "files:\n  - {delete: /a, content: x}");

        Single(diagnostics, DiagnosticCodes.UnknownKey);
    }

    [Theory]
    [InlineData("{edit: /a, append: x, set: {k: v}}")]
    [InlineData("{edit: /a, append: x, replace: {pattern: a, with: b}}")]
    [InlineData("{edit: /a}")]
    public void An_edit_step_needs_exactly_one_action(string step)
    {
        using var ws = new DescriptionWorkspace();
        var (path, diagnostics) = Fails(ws, "files:\n  - " + step);

        At(Single(diagnostics, DiagnosticCodes.InvalidStep), path, 4, 5);
    }

    [Fact]
    public void An_invalid_regular_expression_is_reported_at_the_pattern()
    {
        using var ws = new DescriptionWorkspace();
        var (path, diagnostics) = Fails(ws, "files:\n  - {edit: /a, replace: {pattern: \"(unclosed\", with: x}}");

        At(Single(diagnostics, DiagnosticCodes.InvalidValue), path, 4, 35);
    }

    [Fact]
    public void A_replace_without_with_is_invalid()
    {
        using var ws = new DescriptionWorkspace();
        var (_, diagnostics) = Fails(ws, "files:\n  - {edit: /a, replace: {pattern: x}}");

        Single(diagnostics, DiagnosticCodes.InvalidStep);
    }

    [Theory]
    [InlineData("\"999\"")]
    [InlineData("\"rwxr-xr-x\"")]
    [InlineData("\"64\"")]
    [InlineData("\"077777\"")]
    public void A_mode_that_is_not_octal_is_refused(string mode)
    {
        using var ws = new DescriptionWorkspace();
        var (path, diagnostics) = Fails(ws, $"files:\n  - {{mkdir: /a, mode: {mode}}}");

        At(Single(diagnostics, DiagnosticCodes.InvalidValue), path, 4, 23);
    }

    [Theory]
    [InlineData("\"644\"")]
    [InlineData("\"0644\"")]
    [InlineData("\"1777\"")]
    public void An_octal_mode_is_accepted(string mode)
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", $"vse: 1\nname: app\nfiles:\n  - {{mkdir: /a, mode: {mode}}}\n");

        ws.ResolveOk("app");
    }

    [Fact]
    public void An_owner_with_a_space_is_refused()
    {
        using var ws = new DescriptionWorkspace();
        var (_, diagnostics) = Fails(ws, "files:\n  - {copy: /src, to: /dst, owner: \"root staff\"}");

        Single(diagnostics, DiagnosticCodes.InvalidValue);
    }

    [Fact]
    public void A_step_removal_with_other_keys_is_invalid()
    {
        using var ws = new DescriptionWorkspace();
        var (path, diagnostics) = Fails(ws, "files:\n  - {id: x, remove: true, delete: /a}");

        var error = Single(diagnostics, DiagnosticCodes.InvalidStep);
        At(error, path, 4, 5);
        Assert.Contains("{id: X, remove: true}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{remove: true}")]
    [InlineData("{id: x, remove: false}")]
    public void A_step_removal_needs_an_id_and_true(string step)
    {
        using var ws = new DescriptionWorkspace();
        var (_, diagnostics) = Fails(ws, "files:\n  - " + step);

        Single(diagnostics, DiagnosticCodes.InvalidStep);
    }

    [Fact]
    public void A_step_id_twice_in_one_list_is_an_error_at_the_second_step()
    {
        using var ws = new DescriptionWorkspace();
        var (path, diagnostics) = Fails(ws, "files:\n  - {id: a, mkdir: /a}\n  - {id: a, mkdir: /b}");

        At(Single(diagnostics, DiagnosticCodes.DuplicateStepId), path, 5, 5);
    }

    [Fact]
    public void The_same_id_in_files_and_build_is_allowed()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nfiles: [{id: a, mkdir: /a}]\nbuild: [{id: a, run: make}]\n");

        ws.ResolveOk("app");
    }

    [Fact]
    public void An_invalid_step_id_is_refused()
    {
        using var ws = new DescriptionWorkspace();
        var (_, diagnostics) = Fails(ws, "files:\n  - {id: \"has space\", mkdir: /a}");

        Single(diagnostics, DiagnosticCodes.InvalidValue);
    }

    [Theory]
    [InlineData("{delete: /a/../../etc}", 14)]
    [InlineData("{mkdir: /../x}", 13)]
    [InlineData("{write: etc/motd, content: x}", 13)]
    [InlineData("{copy: /src, to: ../etc}", 22)]
    [InlineData("{link: /x, to: usr/bin/x}", 20)]
    [InlineData("{link: /../../etc/shadow, to: /x, hard: true}", 12)]
    public void An_image_path_that_is_relative_or_climbs_above_the_root_is_unsafe(string step, int column)
    {
        using var ws = new DescriptionWorkspace();
        var (path, diagnostics) = Fails(ws, "files:\n  - " + step);

        At(Single(diagnostics, DiagnosticCodes.UnsafePath), path, 4, column);
    }

    [Fact]
    public void A_build_workdir_must_be_an_image_path()
    {
        using var ws = new DescriptionWorkspace();
        var (_, diagnostics) = Fails(ws, "build:\n  - {run: make, workdir: src}");

        Single(diagnostics, DiagnosticCodes.UnsafePath);
    }

    [Fact]
    public void Dot_dot_that_stays_inside_the_image_is_allowed()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nfiles:\n  - {delete: /a/b/../c}\n");

        Assert.Equal("/a/b/../c", Text(Steps(ws.ResolveOk("app").Content, "files")[0], "delete"));
    }

    [Fact]
    public void A_relative_copy_source_becomes_absolute_against_the_description_directory()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("apps/app", """
            vse: 1
            name: app
            files:
              - {copy: ./src, to: /opt/src}
              - {copy: ../shared/data, to: /opt/data}
              - {copy: /abs/path, to: /opt/abs}
            """);

        var files = Steps(ws.ResolveOk("apps/app").Content, "files");

        Assert.Equal(Path.Combine(ws.Root, "apps", "src"), Text(files[0], "copy"));
        Assert.Equal(Path.Combine(ws.Root, "shared", "data"), Text(files[1], "copy"));
        Assert.Equal("/abs/path", Text(files[2], "copy"));
    }

    [Fact]
    public void A_copy_source_in_a_base_is_relative_to_the_base_file()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("lib/base", "vse: 1\nname: base\nfiles: [{copy: ./etc, to: /etc/app}]\n");
        ws.Write("app", "vse: 1\nname: app\nextends: ./lib/base.vse.yaml\n");

        var files = Steps(ws.ResolveOk("app").Content, "files");

        Assert.Equal(Path.Combine(ws.Root, "lib", "etc"), Text(files[0], "copy"));
    }
}
