using Vse.Build.Locks;
using Vse.Build.Steps;
using Vse.Description;
using Vse.Description.Layers;

namespace Vse.Build.Tests.Locks;

/// <summary><c>vse build --locked LOCK</c>: what a lock file must be to pin a build, and the one-line errors when it is not.</summary>
public sealed class PackagePinsTests : IDisposable
{
    private const string Lock = """
        {
          "lockVersion": 1,
          "name": "apps/pinned",
          "description": "sha256:00",
          "target": null,
          "base": "debian:bookworm:minbase:default:2026-12-04",
          "layers": [{"step": "base debian:bookworm", "key": "ab"}],
          "packages": {"libc6": "2.36-9+deb12u9", "bash": "5.2.15-2+b7", "tzdata": "1:2024a-0+deb12u1"},
          "policy": "sha256:11"
        }
        """;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_lock_of_the_same_debian_description_pins_every_package_as_name_equals_version_in_name_order()
    {
        var pins = PackagePins.Read(temp.WriteFile("lock.json", Lock), Resolve("debian:bookworm"));
        Assert.Equal(["bash=5.2.15-2+b7", "libc6=2.36-9+deb12u9", "tzdata=1:2024a-0+deb12u1"], pins.AptArguments);
    }

    [Fact]
    public void A_file_that_is_not_json_is_one_line_naming_where_it_broke()
    {
        var path = temp.WriteFile("lock.json", "{\n  \"name\": nope\n}");
        var error = Assert.Throws<LockFileException>(() => PackagePins.Read(path, Resolve("debian:bookworm"))).Message;
        Assert.StartsWith($"{path}:2:", error);
        Assert.Contains(": error: not JSON, so not a vse lock file: ", error);
        Assert.EndsWith("[VSE0223]", error);
        Assert.DoesNotContain('\n', error);
    }

    [Theory]
    [InlineData("{\"name\": \"apps/pinned\"}")]
    [InlineData("[1, 2]")]
    public void Json_that_is_not_a_lock_file_is_refused(string text)
    {
        var error = Assert.Throws<LockFileException>(() => PackagePins.Read(temp.WriteFile("lock.json", text), Resolve("debian:bookworm"))).Message;
        Assert.Contains(": error: not a vse lock file", error);
        Assert.EndsWith("[VSE0223]", error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void A_lock_of_another_description_is_refused_naming_both()
    {
        var error = Assert.Throws<LockFileException>(
            () => PackagePins.Read(temp.WriteFile("lock.json", Lock.Replace("apps/pinned", "apps/other", StringComparison.Ordinal)), Resolve("debian:bookworm"))).Message;
        Assert.Contains("this lock file is of 'apps/other', not of 'apps/pinned'", error);
        Assert.EndsWith("[VSE0224]", error);
    }

    [Fact]
    public void A_package_the_description_gained_since_the_lock_is_named_not_dropped()
    {
        var error = Assert.Throws<LockFileException>(
            () => PackagePins.Read(temp.WriteFile("lock.json", Lock), Resolve("debian:bookworm", "packages: [bash, vim, curl]\n"))).Message;
        Assert.Contains("the lock file names no version of curl, vim: ", error);
        Assert.EndsWith("[VSE0224]", error);
        Assert.Equal(3, PackagePins.Read(temp.WriteFile("lock.json", Lock), Resolve("debian:bookworm", "packages: [bash]\n")).Versions.Count);
    }

    [Fact]
    public void Nulls_where_strings_belong_are_refused_in_one_line()
    {
        var text = Lock.Replace("\"debian:bookworm:minbase:default:2026-12-04\"", "null", StringComparison.Ordinal);
        var error = Assert.Throws<LockFileException>(() => PackagePins.Read(temp.WriteFile("lock.json", text), Resolve("debian:bookworm"))).Message;
        Assert.Contains("not a vse lock file: 'base' is null, not a string", error);
        Assert.EndsWith("[VSE0223]", error);
        text = Lock.Replace("\"5.2.15-2+b7\"", "null", StringComparison.Ordinal);
        Assert.EndsWith("[VSE0223]", Assert.Throws<LockFileException>(() => PackagePins.Read(temp.WriteFile("lock.json", text), Resolve("debian:bookworm"))).Message);
    }

    [Theory]
    [InlineData("busybox")]
    [InlineData("debian:trixie")]
    public void A_lock_pins_only_the_debian_base_it_was_built_on(string osBase)
    {
        var error = Assert.Throws<LockFileException>(() => PackagePins.Read(temp.WriteFile("lock.json", Lock), Resolve(osBase))).Message;
        Assert.Contains($"the description's os.base is '{osBase}' and the lock was built on 'debian:bookworm:", error);
        Assert.EndsWith("[VSE0225]", error);
    }

    [Theory]
    [InlineData("\"bash\": \"5.2; rm -rf /\"")]
    [InlineData("\"bash\": \"-5.2\"")]
    [InlineData("\"Bash --force\": \"5.2\"")]
    public void A_name_or_version_dpkg_would_not_accept_never_reaches_apt(string entry)
    {
        var text = Lock.Replace("\"bash\": \"5.2.15-2+b7\"", entry, StringComparison.Ordinal);
        var error = Assert.Throws<LockFileException>(() => PackagePins.Read(temp.WriteFile("lock.json", text), Resolve("debian:bookworm"))).Message;
        Assert.Contains("is not a Debian package name and version", error);
        Assert.EndsWith("[VSE0223]", error);
    }

    [Fact]
    public void A_missing_lock_file_is_one_line()
    {
        var path = temp.Combine("absent.json");
        var error = Assert.Throws<LockFileException>(() => PackagePins.Read(path, Resolve("debian:bookworm"))).Message;
        Assert.StartsWith($"{path}:1:1: error: cannot read the lock file: ", error);
        Assert.EndsWith("[VSE0223]", error);
    }

    [Fact]
    public void A_locked_package_step_has_another_cache_identity_than_an_unlocked_one_and_says_so()
    {
        var pins = PackagePins.Read(temp.WriteFile("lock.json", Lock), Resolve("debian:bookworm"));
        var locked = new PackagesStep(["bash"], pins);
        var plain = new PackagesStep(["bash"]);
        Assert.NotEqual(plain.Canonical, locked.Canonical);
        Assert.Contains("\"locked\":[\"bash=5.2.15-2+b7\",", locked.Canonical);
        Assert.Equal("packages bash (locked: 3 versions)", locked.Title);
        Assert.Equal("packages (locked: 3 versions)", new PackagesStep([], pins).Title);
    }

    [Fact]
    public void With_pins_the_plan_has_a_package_step_even_without_packages()
    {
        var resolved = Resolve("debian:bookworm");
        var pins = PackagePins.Read(temp.WriteFile("lock.json", Lock), resolved);
        Assert.DoesNotContain(BuildPlanner.Plan(resolved, temp.Path), s => s is PackagesStep);
        Assert.Single(BuildPlanner.Plan(resolved, temp.Path, pins).OfType<PackagesStep>());
    }

    private ResolvedDescription Resolve(string osBase, string more = "")
    {
        var file = temp.WriteFile("description/pinned.vse.yaml", $"vse: 1\nname: apps/pinned\nos: {{base: \"{osBase}\"}}\n{more}");
        var result = DescriptionResolver.Resolve(file, new ResolveOptions(new SearchPath([], temp.Combine("no-site"), null), new Dictionary<string, string>()));
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        return result.Description!;
    }
}
