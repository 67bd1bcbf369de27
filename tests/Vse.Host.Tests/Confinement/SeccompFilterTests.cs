using Vse.Host.Confinement;
using Vse.Host.Interop;

namespace Vse.Host.Tests.Confinement;

/// <summary>The profile compiles with the machine's libseccomp into a program the kernel takes as it is.</summary>
public sealed class SeccompFilterTests
{
    [Fact]
    public void Every_name_in_the_profile_is_a_syscall_libseccomp_knows()
    {
        var unknown = SeccompProfile.Names.Where(name => Libseccomp.SyscallResolveName(name) == Libseccomp.SyscallError).ToList();

        Assert.Empty(unknown);
        Assert.Contains("mount", SeccompProfile.Names);
        Assert.Contains("open_by_handle_at", SeccompProfile.Names);
        Assert.DoesNotContain("ptrace", SeccompProfile.Names);
    }

    [Fact]
    public void Every_rule_refuses_with_an_errno_and_compares_each_argument_once()
    {
        Assert.All(SeccompProfile.Rules, rule =>
        {
            Assert.True(rule.Errno is SeccompProfile.EPERM or SeccompProfile.ENOSYS, rule.Why);
            // runc turns several comparisons of one argument into alternatives: never write one.
            Assert.Equal(rule.Conditions.Count, rule.Conditions.Select(c => c.Index).Distinct().Count());
            Assert.False(string.IsNullOrWhiteSpace(rule.Why));
        });
        Assert.Equal(SeccompProfile.ENOSYS, Assert.Single(SeccompProfile.Rules, r => r.Names.Contains("clone3")).Errno);
    }

    [Fact]
    public void The_compiled_program_is_whole_instructions_and_kills_other_architectures()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("seccomp.bpf");

        SeccompFilter.Write(path);

        var program = File.ReadAllBytes(path);
        Assert.NotEmpty(program);
        Assert.Equal(0, program.Length % 8);
        Assert.True(program.Length / 8 <= 4096, "BPF_MAXINSNS");
        var instructions = Enumerable.Range(0, program.Length / 8).Select(i => (Code: BitConverter.ToUInt16(program, i * 8), K: BitConverter.ToUInt32(program, (i * 8) + 4))).ToList();
        const ushort returnConstant = 0x06;
        Assert.Contains(instructions, i => i.Code == returnConstant && i.K == Libseccomp.ActionKillProcess);
        Assert.Contains(instructions, i => i.Code == returnConstant && i.K == Libseccomp.ActionErrno(SeccompProfile.EPERM));
        Assert.Contains(instructions, i => i.Code == returnConstant && i.K == Libseccomp.ActionAllow);
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            // x32 syscalls share x86_64's architecture token and carry bit 30: libseccomp sends
            // numbers from 0x40000000 on to the kill (jge, as BPF_JMP|BPF_JGE|BPF_K).
            const ushort jumpIfGreaterOrEqual = 0x35;
            Assert.Contains(instructions, i => i.Code == jumpIfGreaterOrEqual && i.K == 0x40000000);
        }
        Assert.Equal([path], Directory.GetFiles(directory.Path));
    }
}
