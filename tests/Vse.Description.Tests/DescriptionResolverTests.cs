using CsCheck;
using Vse.Description.Diagnostics;
using Vse.Description.Syntax;
using Vse.Description.Tests.Support;
using static Vse.Description.Tests.Support.Assertions;

namespace Vse.Description.Tests;

public sealed class DescriptionResolverTests
{
    /// <summary>A description that uses nearly every feature, to be damaged at random.</summary>
    private const string Rich = """
        vse: 1
        name: app
        description: x
        os: {base: busybox, kernel: "package:linux", variant: minbase}
        packages: {add: [vim, curl], remove: [nano]}
        services: [munge]
        files:
          - {id: src, copy: ./src, to: /opt/app/src, mode: "0644", owner: root}
          - {link: /a, to: /b, hard: false}
          - {delete: /etc/motd}
          - {edit: /etc/a, replace: {pattern: 'a(b)', with: '$1'}}
          - {edit: /etc/a, set: {k: v}}
          - {id: x, remove: true}
        build:
          - {id: c, run: make, workdir: /src, env: {A: b}, online: true}
        env: {A: "${env.USER}"}
        mounts:
          /data: {source: "/scratch/${env.USER}", mode: rw}
        boot: {cmdline: {quiet: true, hp: 5, x: null}}
        resources: {cpus: 4, memory: 1.5Gi, disk: 10G}
        network: {mode: private, subnet: 10.0.0.0/16}
        deploy: {driver: vm, instances: 4, per_node: 2}
        run: echo $${x}
        targets:
          a: {deploy: {instances: 2}, files: [{mkdir: /t}]}
        """;

    private static readonly string[] Tokens =
        ["null", "~", "[]", "{}", "${", "${env.X}", "!", "-1", "0", "1e9", "true", "\"\"", "[a]", "{a: b}", "/..", "../", "*", "**", ":", "- ", "\n  ", "\t", "&a", "*a", "? ", "|", "2Gi", "é"];

    [Fact]
    public void Damaged_input_gives_diagnostics_never_an_exception()
    {
        var edit = Gen.Select(Gen.Int[0, Rich.Length - 1], Gen.Int[0, 8], Gen.Int[-1, Tokens.Length - 1]);

        Gen.Select(edit.Array[1, 4], Gen.Bool).Sample((edits, withTarget) =>
        {
            var text = Rich;
            foreach (var (position, length, token) in edits)
            {
                var at = Math.Min(position, text.Length);
                text = text.Remove(at, Math.Min(length, text.Length - at)).Insert(at, token < 0 ? "" : Tokens[token]);
            }

            using var ws = new DescriptionWorkspace();
            ws.Write("app", text);

            var result = ws.Resolve("app", withTarget ? "a" : null);

            Assert.Equal(result.Succeeded, !result.Diagnostics.Any(d => d.IsError));
            if (result.Description is { } resolved)
            {
                Assert.StartsWith("{", resolved.ToCanonicalJson(), StringComparison.Ordinal);
            }
        }, iter: 100);
    }

    [Fact]
    public void The_rich_description_resolves()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", Rich);

        Assert.Equal("a", ws.ResolveOk("app", target: "a").Target);
    }

    [Fact]
    public void Reader_limits_come_from_the_options()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\nrun: make\n");

        var result = DescriptionResolver.Resolve(ws.PathOf("app"), ws.Options() with { Limits = ReaderLimits.Default with { MaxFileBytes = 10 } });

        Single(result.Diagnostics, DiagnosticCodes.FileTooLarge);
    }

    [Fact]
    public void A_relative_file_name_is_resolved_against_the_working_directory()
    {
        using var ws = new DescriptionWorkspace();
        ws.Write("app", "vse: 1\nname: app\n");
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), ws.PathOf("app"));

        var result = DescriptionResolver.Resolve(relative, ws.Options());

        Assert.True(result.Succeeded);
        Assert.Equal(ws.PathOf("app"), result.Description!.Layers[0].File);
    }
}
