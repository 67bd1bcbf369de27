using System.Formats.Tar;
using Vse.Deploy.Online;

namespace Vse.Deploy.Tests.Online;

/// <summary>What an instance sends for <c>vse cp DEP/I:PATH HOST</c> is checked before the host extracts it.</summary>
public sealed class CopiedArchiveTests
{
    [Fact]
    public async Task A_tree_under_the_one_name_asked_for_passes()
    {
        using var archive = Archive(
            Entry(TarEntryType.Directory, "./data/"),
            Entry(TarEntryType.RegularFile, "./data/file"),
            Entry(TarEntryType.SymbolicLink, "./data/up", "../../../etc"),
            Entry(TarEntryType.HardLink, "./data/again", "./data/file"),
            Entry(TarEntryType.Fifo, "./data/pipe"));
        await CopiedArchive.CheckAsync(archive, "data", CancellationToken.None);
    }

    [Theory]
    [InlineData("./other")]
    [InlineData("/etc/passwd")]
    [InlineData("./data/../../escape")]
    [InlineData("data/../other")]
    [InlineData("./database")]
    public async Task An_entry_outside_the_name_is_refused(string name)
    {
        using var archive = Archive(Entry(TarEntryType.Directory, "./data/"), Entry(TarEntryType.RegularFile, name));
        var refused = await Assert.ThrowsAsync<InstanceAccessException>(() => CopiedArchive.CheckAsync(archive, "data", CancellationToken.None));
        Assert.Contains($"'{name}' is outside 'data'", refused.Message);
        Assert.Contains("nothing was copied", refused.Message);
    }

    [Fact]
    public async Task Writing_through_a_symlink_the_archive_made_is_refused()
    {
        using var archive = Archive(
            Entry(TarEntryType.Directory, "./data/"),
            Entry(TarEntryType.SymbolicLink, "./data/link", "/etc"),
            Entry(TarEntryType.RegularFile, "./data/link/cron.d/job"));
        var refused = await Assert.ThrowsAsync<InstanceAccessException>(() => CopiedArchive.CheckAsync(archive, "data", CancellationToken.None));
        Assert.Contains("'./data/link/cron.d/job' lies beyond the symlink", refused.Message);
    }

    [Fact]
    public async Task A_hard_link_to_a_file_outside_the_tree_is_refused()
    {
        using var archive = Archive(Entry(TarEntryType.Directory, "./data/"), Entry(TarEntryType.HardLink, "./data/shadow", "etc/shadow"));
        var refused = await Assert.ThrowsAsync<InstanceAccessException>(() => CopiedArchive.CheckAsync(archive, "data", CancellationToken.None));
        Assert.Contains("'etc/shadow' is outside 'data'", refused.Message);
    }

    [Theory]
    [InlineData(TarEntryType.CharacterDevice)]
    [InlineData(TarEntryType.BlockDevice)]
    public async Task A_device_node_is_refused(TarEntryType type)
    {
        using var archive = Archive(Entry(type, "./mem"));
        var refused = await Assert.ThrowsAsync<InstanceAccessException>(() => CopiedArchive.CheckAsync(archive, "mem", CancellationToken.None));
        Assert.Contains($"is a {type}", refused.Message);
    }

    private static PaxTarEntry Entry(TarEntryType type, string name, string? link = null)
    {
        var entry = new PaxTarEntry(type, name);
        if (link is not null)
        {
            entry.LinkName = link;
        }

        return entry;
    }

    private static MemoryStream Archive(params PaxTarEntry[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                writer.WriteEntry(entry);
            }
        }

        stream.Position = 0;
        return stream;
    }
}
