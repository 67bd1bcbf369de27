using Vse.Description.Model;
using Vse.Runtime.Vm.Boot;

namespace Vse.Runtime.Tests.Vm.Boot;

public sealed class BootCommandLineTests
{
    [Fact]
    public void Without_a_description_map_it_is_vses_own_arguments()
    {
        Assert.Equal(["console=ttyS0", "quiet", "panic=-1", "tsc_early_khz=2096018"], BootCommandLine.Build(null, 2096018));
        Assert.Equal(["console=ttyS0", "quiet", "panic=-1"], BootCommandLine.Build(Map("null"), null));
    }

    [Fact]
    public void The_description_follows_and_wins_for_the_same_key()
    {
        var arguments = BootCommandLine.Build(
            Map("""{"transparent_hugepage": "never", "panic": 10, "console": "hvc0", "nokaslr": true, "mitigations": "off", "ratio": 1.5, "empty": ""}"""),
            1000);

        Assert.Equal(
            ["quiet", "tsc_early_khz=1000", "transparent_hugepage=never", "panic=10", "console=hvc0", "nokaslr", "mitigations=off", "ratio=1.5", "empty="],
            arguments);
        Assert.Equal("quiet tsc_early_khz=1000 transparent_hugepage=never panic=10 console=hvc0 nokaslr mitigations=off ratio=1.5 empty=", BootCommandLine.Join(arguments));
    }

    [Fact]
    public void False_or_null_leaves_the_key_out_a_default_included()
    {
        Assert.Equal(["console=ttyS0", "panic=-1", "virtio_mmio.device=512@0xfeb00000:12"],
            BootCommandLine.Build(Map("""{"quiet": false, "tsc_early_khz": null, "debug": false, "virtio_mmio.device": "512@0xfeb00000:12"}"""), 5));
    }

    [Theory]
    [InlineData("""{"init": "/bin/sh -c reboot"}""", "the value '/bin/sh -c reboot' contains a space")]
    [InlineData("""{"a": "x\ty"}""", "contains whitespace (U+0009)")]
    [InlineData("""{"a": "x\ny"}""", "contains whitespace (U+000A)")]
    [InlineData("""{"a": "x\u0001y"}""", "the value 'x\\u0001y' contains a control character (U+0001)")]
    [InlineData("""{"a": "x\u0000y"}""", "contains a control character (U+0000)")]
    [InlineData("""{"a": "\"quoted\""}""", "contains a quote (\")")]
    [InlineData("""{"a": "it's"}""", "contains a quote (')")]
    [InlineData("""{"a b": true}""", "boot.cmdline.'a b': the key 'a b' contains a space")]
    [InlineData("""{"a=b": true}""", "key 'a=b' contains '='")]
    [InlineData("""{"": true}""", "a key is empty")]
    [InlineData("""{"vse.changes": true}""", "boot.cmdline: 'vse.changes' is vse's own")]
    [InlineData("""{"vse.changes": false}""", "boot.cmdline: 'vse.changes' is vse's own")]
    public void An_entry_that_would_not_stay_one_kernel_argument_is_refused(string json, string message)
    {
        var error = Assert.Throws<BootCommandLineException>(() => BootCommandLine.Build(Map(json), 1000));

        Assert.Contains(message, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("""{"a": {"b": 1}}""", "'boot.cmdline.a'")]
    [InlineData("""{"a": [1]}""", "'boot.cmdline.a'")]
    [InlineData("""[1]""", "'boot.cmdline'")]
    public void A_map_or_entry_of_another_kind_is_a_damaged_description(string json, string path)
    {
        var error = Assert.Throws<InvalidDataException>(() => Map(json));

        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_line_longer_than_the_kernel_keeps_is_refused()
    {
        var error = Assert.Throws<BootCommandLineException>(() => BootCommandLine.Build(Map($$"""{"long": "{{new string('x', 2100)}}"}"""), 1000));

        Assert.Contains("the kernel keeps only 2047", error.Message);
    }

    [Theory]
    [InlineData("processor\t: 0\ncpu MHz\t\t: 2096.018\ncpu MHz\t\t: 1.0\n", 2096018)]
    [InlineData("cpu MHz : 3000\n", 3000000)]
    [InlineData("cpu MHz : 2400.0004\n", 2400000)]
    [InlineData("processor : 0\nmodel name : ARM\n", null)]
    [InlineData("cpu MHz : unknown\n", null)]
    public void The_TSC_frequency_is_cpu_MHz_in_kHz(string cpuinfo, int? khz)
    {
        Assert.Equal(khz, BootCommandLine.ParseTscKhz(cpuinfo));
    }

    [Fact]
    public async Task This_host_says_its_TSC_frequency_when_it_has_one()
    {
        var khz = await BootCommandLine.HostTscKhzAsync(CancellationToken.None);

        Assert.Equal(File.ReadAllText("/proc/cpuinfo").Contains("cpu MHz", StringComparison.Ordinal), khz is > 0);
    }

    /// <summary>The entries of a description whose <c>boot.cmdline</c> is this JSON, as the VM driver gets them.</summary>
    private static IReadOnlyList<KernelParameter> Map(string json) => RuntimeModel.FromCanonicalJson("""{"boot":{"cmdline":""" + json + "}}").BootCmdline;
}
