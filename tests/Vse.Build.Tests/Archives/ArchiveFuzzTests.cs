using System.Formats.Tar;
using System.Text;
using CsCheck;
using Vse.Build.Archives;
using Vse.Build.FileSystem;
using Vse.Build.Images;
using Vse.Build.Tests.Support;
using Vse.Host;
using Vse.Host.FileSystem;

namespace Vse.Build.Tests.Archives;

/// <summary>
/// Issue 15, fuzzing: damaged tar layers and OCI archives, made from well-formed seeds by random
/// edits (bytes flipped, set, inserted, removed, fields set to edge values), with every tar header
/// checksum repaired after the edit so that most cases get past the first check and into the
/// reader's logic. Whatever the input, the reader either succeeds or refuses it with one of the
/// errors a user is shown as bad input; nothing lands outside the image root. CsCheck prints the
/// seed of a failing case, which replays it. The iteration count is bounded for the suite;
/// <c>VSE_FUZZ_ITERATIONS=200000</c> runs longer by hand.
/// </summary>
public sealed class ArchiveFuzzTests : IDisposable
{
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("VSE_FUZZ_ITERATIONS"), out var n) ? n : 400;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static readonly byte[][] Seeds =
    [
        new TarBuilder()
            .Directory("etc/").File("etc/motd", "hello\n").Symlink("etc/link", "motd").HardLink("etc/hard", "etc/motd")
            .File("etc/.wh.gone", "").File("usr/.wh..wh..opq", "").File("usr/bin/tool", "#!/bin/sh\n", TarBuilder.Mode755, uid: 1000)
            .ToArray(),
        new TarBuilder().File(new string('d', 120) + "/" + new string('f', 120), "long names go to a PAX header")
            .Symlink("up", "../../..").Device("dev/null", TarEntryType.CharacterDevice, 1, 3).Fifo("fifo").ToArray(),
        TarBuilder.Gzip(new TarBuilder().Directory("a/").File("a/b", "gzip").ToArray()),
    ];

    /// <summary>One random edit of a byte array: where, what kind, and a value.</summary>
    private static readonly Gen<(int Position, int Kind, int Value)> Edit = Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[0, 5], Gen.Int);

    [Fact]
    public void A_damaged_layer_is_applied_or_refused_as_bad_input_and_nothing_lands_outside_the_root()
    {
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Edit.Array[1, 8]).Sample((seed, edits) =>
        {
            var layer = Damage(Seeds[seed], edits);
            // CsCheck runs cases on several threads at once: each gets a directory of its own.
            var @case = temp.CreateDirectory(Guid.NewGuid().ToString("N"));
            var outside = Directory.CreateDirectory(Path.Combine(@case, "outside")).FullName;
            File.WriteAllText(Path.Combine(outside, "canary"), "canary");
            var root = new ImageRoot(Directory.CreateDirectory(Path.Combine(@case, "a", "b", "rootfs")).FullName);
            try
            {
                try
                {
                    ArchiveImporter.ApplyAsync(root, new MemoryStream(layer)).GetAwaiter().GetResult();
                }
                catch (Exception refused) when (IsBadInput(refused))
                {
                }

                Assert.Equal(["canary"], Directory.GetFileSystemEntries(outside).Select(Path.GetFileName));
                Assert.Equal("canary", File.ReadAllText(Path.Combine(outside, "canary")));
                Assert.Equal(["a", "outside"], Directory.GetFileSystemEntries(@case).Select(Path.GetFileName).Order(StringComparer.Ordinal));
                Assert.Equal(["b"], Directory.GetFileSystemEntries(Path.Combine(@case, "a")).Select(Path.GetFileName));
                Assert.Equal(["rootfs"], Directory.GetFileSystemEntries(Path.Combine(@case, "a", "b")).Select(Path.GetFileName));
            }
            finally
            {
                TreeDeleter.Delete(@case);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void A_damaged_oci_archive_opens_or_is_refused_as_bad_input()
    {
        var layout = new OciLayoutBuilder(temp.CreateDirectory("layout"));
        layout.WriteIndex(layout.AddImage([(Seeds[0], true), (new TarBuilder().File("app/run", "run").ToArray(), false)]));
        var archive = File.ReadAllBytes(layout.PackAsTar(temp.Combine("image.tar")));

        Gen.Select(Edit.Array[1, 8], Gen.Bool).Sample((edits, extract) =>
        {
            var @case = temp.CreateDirectory(Guid.NewGuid().ToString("N"));
            var path = Path.Combine(@case, "damaged.tar");
            File.WriteAllBytes(path, Damage(archive, edits));
            try
            {
                using var image = OciLayoutReader.OpenTarAsync(path).GetAwaiter().GetResult();
                if (extract)
                {
                    image.ExtractToAsync(new ImageRoot(Directory.CreateDirectory(Path.Combine(@case, "rootfs")).FullName)).GetAwaiter().GetResult();
                }
            }
            catch (Exception refused) when (IsBadInput(refused))
            {
            }
            finally
            {
                TreeDeleter.Delete(@case);
            }
        }, iter: Iterations);
    }

    /// <summary>The refusals vse reports as a problem with the input (exit 2, or the archive's own one-line error).</summary>
    private static bool IsBadInput(Exception e) =>
        e is IInputError or InvalidDataException or InvalidImageArchiveException or DigestMismatchException
            or UnsupportedCompressionException;

    private static byte[] Damage(byte[] seed, (int Position, int Kind, int Value)[] edits)
    {
        var bytes = new List<byte>(seed);
        foreach (var (position, kind, value) in edits)
        {
            var at = bytes.Count == 0 ? 0 : position % bytes.Count;
            switch (kind)
            {
                case 0 when bytes.Count > 0: bytes[at] ^= (byte)(1 << (value & 7)); break;
                case 1 when bytes.Count > 0: bytes[at] = (byte)value; break;
                case 2: bytes.InsertRange(at, BitConverter.GetBytes(value)); break;
                case 3: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + (value & 1023))); break;
                // A numeric or text field set to an edge value: a huge size, a negative-looking octal, a name with '..'.
                case 4: Overwrite(bytes, at, EdgeValues[(value & int.MaxValue) % EdgeValues.Length]); break;
                case 5: bytes.RemoveRange(at, bytes.Count - at); break;
            }
        }

        var damaged = bytes.ToArray();
        RepairHeaderChecksums(damaged);
        return damaged;
    }

    private static readonly byte[][] EdgeValues =
        [.. ((string[])["77777777777\0", "\x80\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", "-1\0", "../../../etc/passwd\0", "/\0", ".\0", "0000000\0", "ustar\0", "5", "2", "L", "x", "g"])
            .Select(Encoding.Latin1.GetBytes)];

    private static void Overwrite(List<byte> bytes, int at, byte[] value)
    {
        for (var i = 0; i < value.Length && at + i < bytes.Count; i++)
        {
            bytes[at + i] = value[i];
        }
    }

    /// <summary>Every 512-byte block that carries the ustar magic gets the checksum of its bytes as they are now.</summary>
    private static void RepairHeaderChecksums(byte[] tar)
    {
        for (var block = 0; block + 512 <= tar.Length; block += 512)
        {
            if (!tar.AsSpan(block + 257, 5).SequenceEqual("ustar"u8))
            {
                continue;
            }

            tar.AsSpan(block + 148, 8).Fill((byte)' ');
            var sum = 0;
            foreach (var b in tar.AsSpan(block, 512))
            {
                sum += b;
            }

            Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(tar.AsSpan(block + 148, 8));
        }
    }
}
