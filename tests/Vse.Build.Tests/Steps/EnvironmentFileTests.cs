using Vse.Build.Steps;

namespace Vse.Build.Tests.Steps;

public sealed class EnvironmentFileTests
{
    [Fact]
    public void The_description_env_is_added_and_the_image_lines_for_other_variables_are_kept()
    {
        var merged = EnvironmentFile.Merge(
            "LANG=C.UTF-8\nexport RING_LAPS=1\nOMP_NUM_THREADS = 2\n",
            new Dictionary<string, string> { ["RING_LAPS"] = "3", ["OMP_NUM_THREADS"] = "8", ["A"] = "x y" });
        Assert.Equal("LANG=C.UTF-8\nA=x y\nOMP_NUM_THREADS=8\nRING_LAPS=3\n", merged);
    }

    [Fact]
    public void A_value_with_a_line_break_is_left_out_rather_than_split_into_a_second_variable()
    {
        var merged = EnvironmentFile.Merge("", new Dictionary<string, string> { ["EVIL"] = "x\nLD_PRELOAD=/tmp/a.so", ["OK"] = "1" });
        Assert.Equal("OK=1\n", merged);
    }

    [Fact]
    public void Nothing_to_write_gives_an_empty_file()
    {
        Assert.Equal("", EnvironmentFile.Merge("", new Dictionary<string, string>()));
    }
}
