using Vse.Build.Steps;

namespace Vse.Build.Tests.Building;

/// <summary>A real Debian minbase from mmdebstrap, with packages installed by apt inside it.</summary>
[Collection(BuildCollection.Name)]
public sealed class DebianBuildTests(BuildFixture fixture)
{
    [SkippableFact]
    public async Task A_bookworm_minbase_gets_the_packages_the_layers_add_and_not_those_they_remove()
    {
        Requirements.Root();
        Requirements.Tool("mmdebstrap");
        Requirements.Tool("bwrap");
        var resolved = fixture.Resolve("test/debian", """
            vse: 1
            name: test/debian
            extends: ./base.vse.yaml
            packages: {remove: [nano]}
            env: {GREETING: hello world}
            build:
              - {run: "dpkg-query -W -f '$${Package} $${Status}\\n' hello > /hello.status; if dpkg -s nano >/dev/null 2>&1; then echo yes; else echo no; fi > /nano.installed"}
            """,
            new Dictionary<string, string>
            {
                ["base.vse.yaml"] = """
                    vse: 1
                    name: test/debian-base
                    os: {base: "debian:bookworm", variant: minbase}
                    packages: [hello, nano]
                    """,
            });

        var result = await fixture.Builder.BuildAsync(resolved, false, null, CancellationToken.None);

        Assert.Equal("hello install ok installed\n", File.ReadAllText(Path.Combine(result.Rootfs, "hello.status")));
        Assert.Equal("no\n", File.ReadAllText(Path.Combine(result.Rootfs, "nano.installed")));
        Assert.False(Directory.EnumerateFileSystemEntries(Path.Combine(result.Rootfs, "var/lib/apt/lists")).Any(), "apt's lists are not kept in the layer");
        var lockJson = File.ReadAllText(Path.Combine(result.Rootfs, MetadataStep.LockPath.TrimStart('/')));
        Assert.Matches("\"hello\": \"[0-9][^\"]*\"", lockJson);
        Assert.DoesNotContain("\"nano\"", lockJson);
        Assert.Contains("\"base\": \"debian:bookworm:minbase:default:", lockJson);
        Assert.Contains("GREETING=hello world\n", File.ReadAllText(Path.Combine(result.Rootfs, "etc/environment")));

        var again = await fixture.Builder.BuildAsync(resolved, false, null, CancellationToken.None);
        Assert.Equal(0, again.StepsRun);
    }
}
