using System.Net;
using System.Net.Sockets;
using System.Text;
using Vse.Build.Bases;

namespace Vse.Build.Tests.Bases;

/// <summary>A Debian base's cache identity: the indexes of the distributions mmdebstrap reads, never the date.</summary>
public sealed class DebianArchiveStateTests : IDisposable
{
    private readonly TempDirectory mirror = new();

    public void Dispose() => mirror.Dispose();

    [Fact]
    public void Without_a_mirror_the_suite_its_updates_and_its_security_archive_count()
    {
        var distributions = DebianArchiveState.DistributionsOf("bookworm", null);

        Assert.Equal(
            [
                "http://deb.debian.org/debian/dists/bookworm/InRelease",
                "http://deb.debian.org/debian/dists/bookworm-updates/InRelease",
                "http://security.debian.org/debian-security/dists/bookworm-security/InRelease",
            ],
            distributions.Select(d => d.Index("InRelease").AbsoluteUri));
    }

    [Fact]
    public void A_mirror_is_the_one_distribution()
    {
        var distribution = Assert.Single(DebianArchiveState.DistributionsOf("bookworm", "http://snapshot.debian.org/archive/debian/20261201T000000Z/"));

        Assert.Equal("http://snapshot.debian.org/archive/debian/20261201T000000Z/dists/bookworm/Release", distribution.Index("Release").AbsoluteUri);
    }

    [Theory]
    [InlineData("deb.debian.org/debian")]
    [InlineData("ftp://ftp.debian.org/debian")]
    [InlineData("deb http://deb.debian.org/debian bookworm main")]
    public void A_mirror_that_is_not_an_http_https_or_file_url_is_refused(string text)
    {
        var error = Assert.Throws<UnsupportedBaseException>(() => DebianArchiveState.DistributionsOf("bookworm", text));

        Assert.Contains($"os.mirror '{text}' is not an http, https or file URL", error.Message);
    }

    [Fact]
    public async Task The_digest_follows_the_index_and_not_the_clock()
    {
        var distributions = DebianArchiveState.DistributionsOf("bookworm", new Uri(mirror.Path).AbsoluteUri);
        var absent = await DebianArchiveState.DigestAsync(distributions, CancellationToken.None);
        mirror.WriteFile("dists/bookworm/Release", "Date: Sat, 01 Nov 2026 10:00:00 UTC\n");
        var release = await DebianArchiveState.DigestAsync(distributions, CancellationToken.None);
        mirror.WriteFile("dists/bookworm/InRelease", "-----BEGIN PGP SIGNED MESSAGE-----\nDate: Sat, 01 Nov 2026 10:00:00 UTC\n");
        var signed = await DebianArchiveState.DigestAsync(distributions, CancellationToken.None);

        Assert.Equal(signed, await DebianArchiveState.DigestAsync(distributions, CancellationToken.None));
        Assert.Equal(3, new[] { absent, release, signed }.Distinct().Count());
        mirror.WriteFile("dists/bookworm/InRelease", "-----BEGIN PGP SIGNED MESSAGE-----\nDate: Sat, 08 Nov 2026 10:00:00 UTC\n");
        Assert.NotEqual(signed, await DebianArchiveState.DigestAsync(distributions, CancellationToken.None));
    }

    [Fact]
    public async Task When_the_archive_cannot_be_read_the_state_last_read_there_is_used()
    {
        using var states = new TempDirectory();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = ServeAsync(listener, "Date: Sat, 01 Nov 2026 10:00:00 UTC\n");
        var distributions = DebianArchiveState.DistributionsOf("bookworm", $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/debian");

        var online = await DebianArchiveState.DigestOrRememberedAsync(distributions, states.Path, CancellationToken.None);
        listener.Stop();
        await serving;
        var offline = await DebianArchiveState.DigestOrRememberedAsync(distributions, states.Path, CancellationToken.None);

        Assert.Equal(online, offline);
        await Assert.ThrowsAsync<IOException>(() => DebianArchiveState.DigestAsync(distributions, CancellationToken.None));
        using var nothingRemembered = new TempDirectory();
        await Assert.ThrowsAsync<IOException>(() => DebianArchiveState.DigestOrRememberedAsync(distributions, nothingRemembered.Path, CancellationToken.None));
    }

    [Fact]
    public async Task Builds_of_one_process_remember_the_same_archive_at_once()
    {
        using var states = new TempDirectory();
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = ServeAsync(listener, "Date: Sat, 01 Nov 2026 10:00:00 UTC\n");
        var distributions = DebianArchiveState.DistributionsOf("bookworm", $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/debian");

        // The cells of one `vse test` matrix: one process, the same base, at once.
        var digests = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ =>
            Task.Run(() => DebianArchiveState.DigestOrRememberedAsync(distributions, states.Path, CancellationToken.None))));
        listener.Stop();
        await serving;

        Assert.Single(digests.Distinct());
        Assert.Single(Directory.GetFiles(states.Path));
    }

    /// <summary>A one-file archive on loopback: every request gets <paramref name="body"/>, one per connection, until the listener stops.</summary>
    private static async Task ServeAsync(TcpListener listener, string body)
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer);
                    if (read == 0)
                    {
                        break;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Stopped: the archive is gone.
        }
    }
}
