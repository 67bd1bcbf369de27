using Vse.Build.Locks;

namespace Vse.Build.Tests.Locks;

/// <summary>Reading a lock file back: every value that must be a string is one, or the file is not a lock file.</summary>
public sealed class LockFileTests
{
    private const string Lock = """
        {"lockVersion": 1, "name": "apps/pinned", "description": "sha256:00", "target": null,
         "base": "debian:bookworm:minbase:default:sha256:22", "layers": [{"step": "base debian:bookworm", "key": "ab"}],
         "packages": {"bash": "5.2.15-2+b7"}, "policy": "sha256:11"}
        """;

    [Fact]
    public void A_lock_file_reads_back_with_a_null_target()
    {
        var lockFile = LockFile.Parse(Lock);

        Assert.Null(lockFile.Target);
        Assert.Equal("debian:bookworm:minbase:default:sha256:22", lockFile.Base);
        Assert.Equal([("base debian:bookworm", "ab")], lockFile.Layers);
        Assert.Equal("5.2.15-2+b7", lockFile.Packages["bash"]);
        Assert.Equal("desktop", LockFile.Parse(Lock.Replace("\"target\": null", "\"target\": \"desktop\"", StringComparison.Ordinal)).Target);
    }

    [Theory]
    [InlineData("\"name\": \"apps/pinned\"", "\"name\": null", "'name' is null")]
    [InlineData("\"description\": \"sha256:00\"", "\"description\": 3", "'description' is number")]
    [InlineData("\"target\": null", "\"target\": 1", "'target' is number")]
    [InlineData("\"base\": \"debian:bookworm:minbase:default:sha256:22\"", "\"base\": null", "'base' is null")]
    [InlineData("\"step\": \"base debian:bookworm\"", "\"step\": null", "'step' is null")]
    [InlineData("\"key\": \"ab\"", "\"key\": []", "'key' is array")]
    [InlineData("\"bash\": \"5.2.15-2+b7\"", "\"bash\": null", "the version of 'bash' is null")]
    [InlineData("\"policy\": \"sha256:11\"", "\"policy\": {}", "'policy' is object")]
    public void A_value_that_is_not_a_string_where_one_belongs_is_not_a_lock_file(string value, string replacement, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => LockFile.Parse(Lock.Replace(value, replacement, StringComparison.Ordinal)));

        Assert.Equal($"not a vse lock file: {message}, not a string", error.Message);
    }
}
