using Vse.Runtime.Sandbox;

namespace Vse.Runtime.Tests.Sandbox;

/// <summary>CRIU 3.17.1's own words on a 6.18 kernel, as <c>criu check</c> and runc's <c>dump.log</c> gave them.</summary>
public sealed class CriuLogTests
{
    [Fact]
    public void TheFirstErrorOfCriuCheckIsTheCause()
    {
        const string stderr = """
            Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds
            Error (criu/vdso.c:613): vdso: Failed to fill self vdso symtable
            Error (criu/kerndat.c:1615): kerndat_vdso_fill_symtable failed when initializing kerndat.
            Error (criu/crtools.c:260): Could not initialize kernel features detection.
            """;

        Assert.Equal("vdso: Unexpected rt vDSO area bounds", CriuLog.FirstError(stderr));
    }

    [Fact]
    public void ALogFileWithTimestampsGivesTheSameCause()
    {
        const string dumpLog = """
            (00.085880) vdso: nbucket 3 nchain e bucket 7f1d10519128 chain 7f1d10519134
            (00.085884) Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds
            (00.085887) Error (criu/vdso.c:613): vdso: Failed to fill self vdso symtable
            (00.085931) Adjust mmap_min_addr 0x1000 -> 0x10000
            """;

        Assert.Equal("vdso: Unexpected rt vDSO area bounds", CriuLog.FirstError(dumpLog));
    }

    [Fact]
    public void ALogWithoutErrorsGivesNone() =>
        Assert.Null(CriuLog.FirstError("(00.000001) Version: 3.17.1\n(00.031091) Dirty tracking support is OFF\nLooks good.\n"));
}
