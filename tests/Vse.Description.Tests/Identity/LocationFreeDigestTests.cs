using Vse.Description.Identity;
using Vse.Description.Tests.Support;

namespace Vse.Description.Tests.Identity;

/// <summary>
/// The description digest depends on what a copy step copies, never on where the description
/// or its sources lie; <c>vse resolve</c> still shows the path.
/// </summary>
public sealed class LocationFreeDigestTests : IDisposable
{
    private const string App = """
        vse: 1
        name: app
        os: {base: busybox}
        files:
          - {copy: ./src, to: /opt/app/src}
          - {copy: ./app.conf, to: /etc/app.conf, mode: "0640"}
          - {write: /etc/motd, content: "hi\n"}
        """;

    private readonly DescriptionWorkspace workspace = new();

    [Fact]
    public void Two_copies_of_a_description_tree_in_different_directories_have_one_digest()
    {
        var first = ResolveIn("clone-a");
        var second = ResolveIn("deeper/clone-b");
        Assert.Equal(first.Digest, second.Digest);
        Assert.Equal(first.ToLocationFreeJson(), second.ToLocationFreeJson());
        Assert.NotEqual(first.ToCanonicalJson(), second.ToCanonicalJson());
    }

    [Fact]
    public void Resolve_shows_the_source_path_and_the_location_free_form_its_digest()
    {
        var resolved = ResolveIn("clone");
        Assert.Contains(Path.Combine(workspace.Root, "clone", "src"), resolved.ToCanonicalJson());
        Assert.DoesNotContain(workspace.Root, resolved.ToLocationFreeJson());
        Assert.Contains("\"copy\":\"sha256:", resolved.ToLocationFreeJson());
    }

    [Fact]
    public void A_one_byte_change_in_a_copied_file_changes_the_digest()
    {
        var before = ResolveIn("clone").Digest;
        workspace.WriteFile("clone/src/sub/b.txt", "c");
        Assert.NotEqual(before, ResolveIn("clone", writeTree: false).Digest);
    }

    [Fact]
    public void A_changed_symlink_target_in_a_copied_tree_changes_the_digest()
    {
        var before = ResolveIn("clone").Digest;
        var link = Path.Combine(workspace.Root, "clone/src/link");
        File.Delete(link);
        File.CreateSymbolicLink(link, "sub/b.txt");
        Assert.NotEqual(before, ResolveIn("clone", writeTree: false).Digest);
    }

    [Fact]
    public void A_changed_mode_of_a_copied_file_changes_the_digest()
    {
        var before = ResolveIn("clone").Digest;
        File.SetUnixFileMode(Path.Combine(workspace.Root, "clone/app.conf"), (UnixFileMode)0b111_101_101);
        Assert.NotEqual(before, ResolveIn("clone", writeTree: false).Digest);
    }

    [Fact]
    public void A_missing_source_still_resolves_with_a_fixed_word_in_its_place()
    {
        workspace.Write("lonely/app", App);
        var resolved = workspace.ResolveOk("lonely/app");
        Assert.Contains($"\"copy\":\"{LocationFreeForm.AbsentSource}\"", resolved.ToLocationFreeJson());
        Assert.DoesNotContain(workspace.Root, resolved.ToLocationFreeJson());
    }

    [Fact]
    public void A_description_without_copy_steps_keeps_its_content_as_its_identity()
    {
        workspace.Write("plain", "vse: 1\nname: plain\nos: {base: busybox}\n");
        var resolved = workspace.ResolveOk("plain");
        Assert.Same(resolved.Content, resolved.LocationFreeContent);
        Assert.Equal(resolved.ToCanonicalJson(), resolved.ToLocationFreeJson());
    }

    [Fact]
    public void A_layer_step_is_identified_by_the_digest_it_names_not_where_its_archive_lies()
    {
        var digest = "sha256:" + new string('b', 64);
        var text = $"vse: 1\nname: layered\nos: {{base: busybox}}\nfiles:\n  - {{layer: ./captured.layer.tar, digest: \"{digest}\"}}\n";
        workspace.Write("one/layered", text);
        workspace.Write("two/deeper/layered", text);

        var first = workspace.ResolveOk("one/layered");
        var second = workspace.ResolveOk("two/deeper/layered");

        Assert.Equal(first.Digest, second.Digest);
        Assert.Contains($"\"layer\":\"{digest}\"", first.ToLocationFreeJson(), StringComparison.Ordinal);
        Assert.DoesNotContain(workspace.Root, first.ToLocationFreeJson(), StringComparison.Ordinal);
        workspace.Write("three/layered", text.Replace(new string('b', 64), new string('c', 64), StringComparison.Ordinal));
        Assert.NotEqual(first.Digest, workspace.ResolveOk("three/layered").Digest);
    }

    public void Dispose() => workspace.Dispose();

    private ResolvedDescription ResolveIn(string directory, bool writeTree = true)
    {
        if (writeTree)
        {
            workspace.WriteFile($"{directory}/src/a.txt", "a");
            workspace.WriteFile($"{directory}/src/sub/b.txt", "b");
            workspace.WriteFile($"{directory}/app.conf", "threads = 4\n");
            File.CreateSymbolicLink(Path.Combine(workspace.Root, directory, "src/link"), "a.txt");
            workspace.Write($"{directory}/app", App);
        }

        return workspace.ResolveOk($"{directory}/app");
    }
}
