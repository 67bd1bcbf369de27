using Vse.Description.Diagnostics;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests.Policy;

public sealed class LockTests
{
    private const string Site = """
        vse: 1
        name: site/hpc
        boot:
          cmdline: {quiet: true}
        resources: {cpus: 4}
        mounts:
          /lustre: {source: /lustre, mode: ro}
        policy:
          lock: [boot.cmdline, mounts./lustre, resources.cpus]
        targets:
          cluster: {boot: {cmdline: {quiet: false}}}
        """;

    /// <summary>A trusted site layer that locks three paths, and an app that extends it.</summary>
    private static (DescriptionWorkspace Ws, string SitePath, string AppPath) SiteAndApp(string appBody)
    {
        var ws = new DescriptionWorkspace();
        var site = ws.WriteSite("hpc", Site);
        var app = ws.Write("app", "vse: 1\nname: app\nextends: hpc\n" + appBody + "\n");
        return (ws, site, app);
    }

    private static Diagnostic LockError(DescriptionWorkspace ws, string? target = null)
    {
        var error = Single(ws.ResolveFails("app", target), DiagnosticCodes.LockedValueChanged);
        Assert.Equal(DiagnosticKind.Policy, error.Kind);
        return error;
    }

    [SkippableFact]
    public void Changing_a_locked_value_is_an_error_at_the_change_naming_the_lock()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, site, app) = SiteAndApp("boot:\n  cmdline: {quiet: false}");
        using var _ = ws;

        var error = LockError(ws);

        Assert.Equal(Find(app, "false"), error.Location);
        Assert.Contains("'boot.cmdline'", error.Message, StringComparison.Ordinal);
        Assert.Contains(Find(site, "boot.cmdline").ToString(), error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Adding_a_key_below_a_locked_path_is_a_change()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, app) = SiteAndApp("boot:\n  cmdline: {splash: true}");
        using var _ = ws;

        Assert.Equal(Find(app, "true"), LockError(ws).Location);
    }

    [SkippableFact]
    public void Restating_a_locked_value_is_not_a_change()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, _) = SiteAndApp("boot:\n  cmdline: {quiet: true}\nresources: {cpus: 4}");
        using var _ = ws;

        ws.ResolveOk("app");
    }

    [SkippableFact]
    public void Replacing_a_parent_of_a_locked_path_with_bang_is_caught()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, app) = SiteAndApp("boot!: {}");
        using var _ = ws;

        Assert.Equal(Find(app, "{}"), LockError(ws).Location);
    }

    [SkippableFact]
    public void Replacing_a_locked_map_with_bang_is_caught()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, app) = SiteAndApp("boot:\n  cmdline!: {quiet: true, splash: true}");
        using var _ = ws;

        Assert.Equal(app, LockError(ws).Location.File);
    }

    [SkippableTheory]
    [InlineData("boot: null")]
    [InlineData("boot: {cmdline: null}")]
    [InlineData("boot: {cmdline: {quiet: null}}")]
    public void Removing_a_locked_value_or_its_parent_with_null_is_caught(string body)
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, app) = SiteAndApp(body);
        using var _ = ws;

        var error = LockError(ws);

        Assert.Equal(app, error.Location.File);
        Assert.Equal(4, error.Location.Line);
    }

    [SkippableFact]
    public void Changing_a_locked_value_in_a_later_target_block_is_caught()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, app) = SiteAndApp("targets:\n  cluster: {boot: {cmdline: {splash: true}}}");
        using var _ = ws;

        Assert.Equal(Find(app, "true"), LockError(ws, target: "cluster").Location);
    }

    [SkippableFact]
    public void The_locking_layer_own_target_block_may_change_the_locked_value()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, _) = SiteAndApp("");
        using var _ = ws;

        var resolved = ws.ResolveOk("app", target: "cluster");

        Assert.Equal(false, (Get(resolved.Content, "boot.cmdline.quiet") as Model.ScalarValue)?.AsBoolean);
    }

    [SkippableFact]
    public void A_locked_scalar_cannot_be_changed()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, site, app) = SiteAndApp("resources: {cpus: 64}");
        using var _ = ws;

        var error = LockError(ws);

        Assert.Equal(Find(app, "64"), error.Location);
        Assert.Contains(Find(site, "resources.cpus").ToString(), error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_locked_mount_cannot_be_changed_but_a_sibling_mount_can_be_added()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, app) = SiteAndApp("mounts:\n  /lustre: {mode: rw}\n  /lustre2: {source: /lustre2}");
        using var _ = ws;

        var error = LockError(ws);

        Assert.Equal(Find(app, "rw"), error.Location);
        Assert.Contains("'mounts./lustre'", error.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [InlineData("/lustre/")]
    [InlineData("/x/../lustre")]
    public void A_locked_mount_cannot_be_bypassed_by_another_spelling_of_its_target(string target)
    {
        // Otherwise a second, read-write entry for the same mount point would sit beside the locked one.
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        var (ws, _, app) = SiteAndApp($"mounts:\n  \"{target}\": {{source: /lustre, mode: rw}}");
        using var _ = ws;

        Assert.Equal(Find(app, "\"" + target), Single(ws.ResolveFails("app"), DiagnosticCodes.UnsafePath).Location);
    }

    [SkippableFact]
    public void A_mount_whose_target_contains_a_dot_can_be_locked()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.WriteSite("hpc", "vse: 1\nname: hpc\nmounts:\n  /opt/app.d: {source: /srv/app.d}\npolicy: {lock: [mounts./opt/app.d.source]}\n");
        var app = ws.Write("app", "vse: 1\nname: app\nextends: hpc\nmounts:\n  /opt/app.d: {source: /tmp/evil}\n");

        Assert.Equal(Find(app, "/tmp/evil"), Single(ws.ResolveFails("app"), DiagnosticCodes.LockedValueChanged).Location);
    }

    [SkippableFact]
    public void A_lock_also_binds_a_later_trusted_layer()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.WriteSite("vendor", "vse: 1\nname: vendor\nenv: {A: vendor}\npolicy: {lock: [env.A]}\n");
        var site = ws.WriteSite("hpc", "vse: 1\nname: hpc\nextends: vendor\nenv: {A: site}\n");
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\n");

        Assert.Equal(Find(site, "site}"), Single(ws.ResolveFails("app"), DiagnosticCodes.LockedValueChanged).Location);
    }

    [SkippableFact]
    public void A_lock_does_not_apply_to_the_layers_before_it()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.Write("os", "vse: 1\nname: os\nrun: one\n");
        ws.WriteSite("hpc", "vse: 1\nname: hpc\nextends: ../os.vse.yaml\nrun: two\npolicy: {lock: [run]}\n");
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\n");

        Assert.Equal("two", Str(ws.ResolveOk("app").Content, "run"));
    }

    [SkippableFact]
    public void Setting_a_locked_path_that_had_no_value_is_a_change()
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy: {lock: [env, packages]}\n");
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\nenv: {A: a}\npackages: [vim]\n");

        Assert.Equal(2, ws.ResolveFails("app").Count(d => d.Code == DiagnosticCodes.LockedValueChanged));
    }

    [SkippableFact]
    public void An_empty_value_at_a_locked_path_that_had_none_is_not_a_change()
    {
        // env: {} and no env mean (and hash) the same, so writing it changes nothing.
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        ws.WriteSite("hpc", "vse: 1\nname: hpc\npolicy: {lock: [env, packages, files]}\n");
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\nenv: {}\npackages: []\nfiles: []\n");

        ws.ResolveOk("app");
    }

    [SkippableTheory]
    [InlineData("bot.cmdline", "did you mean 'boot'?")]
    [InlineData("resources.cpus.max", "has no keys")]
    [InlineData("packages.vim", "has no keys")]
    public void A_lock_path_that_names_no_value_is_refused(string path, string hint)
    {
        Skip.IfNot(Privileges.IsRoot, Privileges.NeedsRoot);
        using var ws = new DescriptionWorkspace();
        var site = ws.WriteSite("hpc", $"vse: 1\nname: hpc\npolicy:\n  lock: [{path}]\n");
        ws.Write("app", "vse: 1\nname: app\nextends: hpc\n");

        var error = Single(ws.ResolveFails("app"), DiagnosticCodes.InvalidPolicyPath);

        Assert.Equal(Find(site, path), error.Location);
        Assert.Contains(hint, error.Message, StringComparison.Ordinal);
    }
}
