using Vse.Deploy.Network;

namespace Vse.Deploy.Tests.Network;

public sealed class VxlanNetworkIdsTests
{
    [Fact]
    public void Ids_sharing_their_first_six_hex_digits_get_different_vnis()
    {
        // The VNI was the first six hex digits: these two deployments shared one fabric's VNI.
        Assert.NotEqual(VxlanNetworkIds.Preferred("a1b2c3d4e5f60718"), VxlanNetworkIds.Preferred("a1b2c3ffffffffff"));
    }

    [Fact]
    public void The_preferred_vni_is_24_bits_of_the_ids_sha256_and_the_same_every_time()
    {
        // `printf a1b2c3d4e5f60718 | sha256sum` starts with b82efc.
        Assert.Equal(0xb82efc, VxlanNetworkIds.Preferred("a1b2c3d4e5f60718"));
        Assert.Equal(VxlanNetworkIds.Preferred("0123456789abcdef"), VxlanNetworkIds.Preferred("0123456789abcdef"));
    }

    [Fact]
    public void Many_ids_get_vnis_in_range_and_never_0()
    {
        var vnis = Enumerable.Range(0, 10_000).Select(i => VxlanNetworkIds.Preferred(i.ToString("x16", System.Globalization.CultureInfo.InvariantCulture))).ToList();
        Assert.All(vnis, v => Assert.InRange(v, 1, VxlanNetworkIds.Max));
        // 10,000 of 16.7 million: a few clashes at most (birthday bound ~3), never most of them.
        Assert.True(vnis.Distinct().Count() > 9_980);
    }

    [Fact]
    public void A_vni_another_deployment_holds_is_not_chosen_again()
    {
        const string id = "a1b2c3d4e5f60718";
        var preferred = VxlanNetworkIds.Preferred(id);

        Assert.Equal(preferred, VxlanNetworkIds.Choose(id, new HashSet<int>()));
        Assert.Equal(preferred == VxlanNetworkIds.Max ? 1 : preferred + 1, VxlanNetworkIds.Choose(id, new HashSet<int> { preferred }));
        var next = VxlanNetworkIds.Choose(id, new HashSet<int> { preferred, preferred + 1, preferred + 2 });
        Assert.DoesNotContain(next, new[] { preferred, preferred + 1, preferred + 2 });
    }

    [Fact]
    public void After_the_highest_vni_comes_1()
    {
        var id = Enumerable.Range(0, 1_000_000).Select(i => i.ToString("x16", System.Globalization.CultureInfo.InvariantCulture))
            .First(i => VxlanNetworkIds.Preferred(i) > VxlanNetworkIds.Max - 1_000);
        var taken = Enumerable.Range(VxlanNetworkIds.Preferred(id), VxlanNetworkIds.Max - VxlanNetworkIds.Preferred(id) + 1).ToHashSet();

        Assert.Equal(1, VxlanNetworkIds.Choose(id, taken));
    }

    [Fact]
    public void When_every_vni_is_taken_the_choice_fails()
    {
        Assert.Throws<InvalidOperationException>(() => VxlanNetworkIds.Choose("a1b2c3d4e5f60718", new EveryVniTaken()));
    }

    /// <summary>
    /// A set holding every VNI without storing 16.7 million entries (a real <c>HashSet</c> of
    /// them cost this test ~8 s and ~270 MB); <c>Choose</c> only asks <c>Contains</c>.
    /// </summary>
    private sealed class EveryVniTaken : IReadOnlySet<int>
    {
        public int Count => VxlanNetworkIds.Max;

        public bool Contains(int item) => item is >= 1 and <= VxlanNetworkIds.Max;

        public IEnumerator<int> GetEnumerator() => Enumerable.Range(1, VxlanNetworkIds.Max).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public bool IsProperSubsetOf(IEnumerable<int> other) => throw new NotSupportedException();

        public bool IsProperSupersetOf(IEnumerable<int> other) => throw new NotSupportedException();

        public bool IsSubsetOf(IEnumerable<int> other) => throw new NotSupportedException();

        public bool IsSupersetOf(IEnumerable<int> other) => throw new NotSupportedException();

        public bool Overlaps(IEnumerable<int> other) => throw new NotSupportedException();

        public bool SetEquals(IEnumerable<int> other) => throw new NotSupportedException();
    }
}
