using Vse.Build.Kernels;

namespace Vse.Build.Tests.Kernels;

public sealed class ModuleOrderTests
{
    private const string ModulesDep = """
        kernel/fs/ext4/ext4.ko.xz: kernel/lib/crc16.ko.xz kernel/fs/mbcache.ko.xz kernel/fs/jbd2/jbd2.ko.xz
        kernel/fs/jbd2/jbd2.ko.xz:
        kernel/fs/mbcache.ko.xz:
        kernel/lib/crc16.ko.xz:
        kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
        kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
        kernel/drivers/virtio/virtio_ring.ko:
        kernel/net/9p/9pnet-virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
        kernel/net/9p/9pnet.ko:
        kernel/sound/unrelated.ko: kernel/lib/crc16.ko.xz
        """;

    [Fact]
    public void Dependencies_come_first_each_module_once_and_nothing_unneeded()
    {
        var graph = Vse.Build.Kernels.ModulesDep.Parse(ModulesDep);

        var order = ModuleOrder.Sort(["virtio_blk", "ext4", "9pnet_virtio", "virtio"], graph).Select(module => module.Name).ToList();

        Assert.Equal(["virtio_ring", "virtio", "virtio_blk", "crc16", "mbcache", "jbd2", "ext4", "9pnet", "9pnet_virtio"], order);
    }

    [Fact]
    public void Names_and_paths_follow_the_kernel_conventions()
    {
        var graph = Vse.Build.Kernels.ModulesDep.Parse(ModulesDep);

        Assert.Equal("kernel/net/9p/9pnet-virtio.ko", graph["9pnet_virtio"].RelativePath);
        Assert.Equal(["crc16", "mbcache", "jbd2"], graph["ext4"].Dependencies);
        Assert.Empty(graph["jbd2"].Dependencies);
    }

    [Fact]
    public void A_module_the_kernel_lacks_or_has_built_in_is_left_out()
    {
        var graph = Vse.Build.Kernels.ModulesDep.Parse(ModulesDep);

        var order = ModuleOrder.Sort(["ext4", "virtio_console", "9p"], graph).Select(module => module.Name);

        Assert.Equal(["crc16", "mbcache", "jbd2", "ext4"], order);
    }

    [Fact]
    public void A_cycle_is_a_damaged_tree()
    {
        var graph = Vse.Build.Kernels.ModulesDep.Parse("a.ko: b.ko\nb.ko: c.ko\nc.ko: a.ko\n");

        var error = Assert.Throws<InvalidDataException>(() => ModuleOrder.Sort(["a"], graph));

        Assert.Contains("a -> b -> c -> a", error.Message);
    }

    [Fact]
    public void A_line_without_a_path_is_a_damaged_file()
    {
        Assert.Throws<InvalidDataException>(() => Vse.Build.Kernels.ModulesDep.Parse("kernel/a.ko\n"));
    }
}
