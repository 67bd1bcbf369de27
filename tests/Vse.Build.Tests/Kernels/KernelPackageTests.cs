using Vse.Build.Kernels;

namespace Vse.Build.Tests.Kernels;

public sealed class KernelPackageTests
{
    [Theory]
    [InlineData("linux-image-6.1.0-56-amd64 (= 6.1.192-2)", "linux-image-6.1.0-56-amd64", "6.1.192-2")]
    [InlineData("linux-image-6.1.0-56-cloud-amd64 (= 6.1.192-2), foo", "linux-image-6.1.0-56-cloud-amd64", "6.1.192-2")]
    [InlineData("kmod, linux-image-6.1.0-9-amd64:amd64 (>= 6.1) | linux-image-x, initramfs-tools", "linux-image-6.1.0-9-amd64", null)]
    public void A_metapackage_leads_to_its_image_package(string depends, string name, string? version)
    {
        Assert.Equal((name, version), KernelPackage.ImageDependency(depends, "linux-image-amd64"));
    }

    [Theory]
    [InlineData("kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool")]
    [InlineData("")]
    [InlineData("linux-image-amd64 (= 1)")]
    public void An_image_package_depends_on_no_other_image(string depends)
    {
        Assert.Null(KernelPackage.ImageDependency(depends, "linux-image-amd64"));
    }
}
