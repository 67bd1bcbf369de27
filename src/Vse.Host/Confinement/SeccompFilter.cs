using Vse.Host.Interop;

namespace Vse.Host.Confinement;

/// <summary>
/// <see cref="SeccompProfile"/> compiled by libseccomp into the kernel's BPF for this machine's
/// architecture: the program bubblewrap (<c>--seccomp FD</c>) and vse-launch (<c>--seccomp FILE</c>)
/// load as they are. Other ABIs' syscalls hit libseccomp's architecture check and kill the process.
/// </summary>
public static class SeccompFilter
{
    /// <summary>
    /// Writes the program to <paramref name="path"/>: replaced atomically through a temporary file
    /// of this call's own, so a reader never sees half of it, even with writers side by side.
    /// </summary>
    /// <exception cref="InvalidOperationException">libseccomp is missing or refused the profile.</exception>
    public static void Write(string path)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        var context = Init();
        try
        {
            Check(Libseccomp.AttrSet(context, Libseccomp.FilterAttribute.BadArchitectureAction, Libseccomp.ActionKillProcess), "set the action for other architectures");
            foreach (var rule in SeccompProfile.Rules)
            {
                var comparisons = rule.Conditions.Select(c => new Libseccomp.ArgumentComparison
                {
                    Argument = c.Index,
                    Operator = (int)c.Operator,
                    DatumA = c.Value,
                    DatumB = c.ValueTwo,
                }).ToArray();
                foreach (var name in rule.Names)
                {
                    var number = Libseccomp.SyscallResolveName(name);
                    if (number == Libseccomp.SyscallError)
                    {
                        throw new InvalidOperationException($"the seccomp profile names '{name}', which this libseccomp does not know");
                    }

                    Check(Libseccomp.RuleAddArray(context, Libseccomp.ActionErrno(rule.Errno), number, (uint)comparisons.Length, comparisons), $"add the rule for {name}");
                }
            }

            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                Check(Libseccomp.ExportBpf(context, (int)file.SafeFileHandle.DangerousGetHandle()), "export the program");
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            Libseccomp.Release(context);
            File.Delete(temporary);
        }
    }

    /// <summary>The program at <paramref name="path"/>, written first when it is not there yet.</summary>
    public static string Ensure(string path)
    {
        if (!File.Exists(path))
        {
            Write(path);
        }

        return path;
    }

    private static IntPtr Init()
    {
        IntPtr context;
        try
        {
            context = Libseccomp.Init(Libseccomp.ActionAllow);
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException("libseccomp.so.2 is not installed (Debian: libseccomp2); vse confines build steps and instances with it", e);
        }

        return context == IntPtr.Zero ? throw new InvalidOperationException("seccomp_init failed") : context;
    }

    private static void Check(int result, string what)
    {
        if (result < 0)
        {
            throw new InvalidOperationException($"libseccomp could not {what}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(-result)}");
        }
    }
}
