using Vse.Build.Kernels;

namespace Vse.Build.Tests.Kernels;

public sealed class KernelSourceTests
{
    [Theory]
    [InlineData("package:linux-image-amd64", "linux-image-amd64")]
    [InlineData("package:linux-image-6.1.0-56-cloud-amd64", "linux-image-6.1.0-56-cloud-amd64")]
    [InlineData("package:linux-image-6.1.0+custom", "linux-image-6.1.0+custom")]
    public void A_package_names_a_debian_package(string text, string name)
    {
        var source = KernelSource.Parse(text, "/descriptions");

        Assert.Equal(new KernelSource(KernelSourceKind.Package, name), source);
        Assert.Equal(text, source.ToString());
    }

    [Fact]
    public void A_relative_path_is_relative_to_the_file_that_names_it()
    {
        Assert.Equal(new KernelSource(KernelSourceKind.Path, "/site/kernels/vmlinuz"), KernelSource.Parse("path:../kernels/vmlinuz", "/site/apps"));
        Assert.Equal(new KernelSource(KernelSourceKind.Path, "/boot/vmlinuz-6.1.0-56-amd64"), KernelSource.Parse("path:/boot/vmlinuz-6.1.0-56-amd64", "/site/apps"));
    }

    [Theory]
    [InlineData("linux-image-amd64", "expected package:NAME")]
    [InlineData("", "expected package:NAME")]
    [InlineData("deb:linux-image-amd64", "expected package:NAME")]
    [InlineData("Package:linux-image-amd64", "expected package:NAME")]
    [InlineData("package:", "is not a Debian package name")]
    [InlineData("package:-o=Dir::Etc=/tmp", "is not a Debian package name")]
    [InlineData("package:Linux-Image", "is not a Debian package name")]
    [InlineData("package:linux image", "is not a Debian package name")]
    [InlineData("package:x", "is not a Debian package name")]
    [InlineData("path:", "expected path:FILE with a file name")]
    [InlineData("path:/boot/vmlinuz\n", "expected path:FILE with a file name")]
    public void Anything_else_is_a_clear_error(string text, string message)
    {
        var error = Assert.Throws<KernelSourceException>(() => KernelSource.Parse(text, "/descriptions"));

        Assert.Contains(message, error.Message);
        Assert.StartsWith("os.kernel '", error.Message);
    }
}
