using Vse.Description.Model;
using Vse.Description.Provenance;

namespace Vse.Description.Tests.Provenance;

public sealed class PathKeyTests
{
    public static TheoryData<string, string> Children => new()
    {
        { "", "env" },
        { "env", "HOME" },
        { "boot.cmdline", "opt_l3.p12" },
        { "mounts./data/l1/m2", "source" },
        { "edit", new string('k', 300) }, // longer than the stack buffer
    };

    [Theory]
    [MemberData(nameof(Children))]
    public void A_child_is_the_text_ValuePath_gives_equal_to_and_hashed_as_that_text_given_whole(string parent, string key)
    {
        var text = ValuePath.Child(parent, key);
        var child = PathKey.Child(parent, key);

        Assert.Equal(text, child.ToString());
        Assert.Equal(text.Length, child.Length);
        Assert.Equal(PathKey.Of(text), child);
        Assert.Equal(PathKey.Of(text).GetHashCode(), child.GetHashCode());
        Assert.Equal(string.GetHashCode(text.AsSpan()), child.GetHashCode());
    }

    [Fact]
    public void A_member_is_the_text_ValuePath_gives_and_equal_to_it_however_it_is_split()
    {
        var member = PathKey.Member("packages", "libfoo-dev");

        Assert.Equal("packages[libfoo-dev]", member.ToString());
        Assert.Equal(PathKey.Of("packages[libfoo-dev]"), member);
        Assert.Equal(PathKey.Of("packages[libfoo-dev]").GetHashCode(), member.GetHashCode());
        // The same text split at another dot is the same path (a kernel parameter's name has dots).
        Assert.Equal(PathKey.Child("boot.cmdline.opt_l3", "p12"), PathKey.Child("boot.cmdline", "opt_l3.p12"));
    }

    [Fact]
    public void Different_texts_are_different_paths()
    {
        Assert.NotEqual(PathKey.Child("env", "A"), PathKey.Child("env", "B"));
        Assert.NotEqual(PathKey.Child("env", "AB"), PathKey.Member("env", "A"));
        Assert.NotEqual(PathKey.Member("files", "a"), PathKey.Of("files.a"));
        Assert.NotEqual(PathKey.Child("a", "b"), PathKey.Of("a.bc"));
    }
}
