namespace Vse.Testing;

/// <summary>
/// The kernel store every test shares (VM boots need Debian's kernel, a ~70 MB package): a fixed
/// directory, so a CI run fetches it once and repeated local runs not at all, as a user's
/// <c>$VSE_HOME/kernels</c> keeps it. <c>VSE_TEST_KERNELS</c> puts it elsewhere.
/// </summary>
internal static class TestKernels
{
    public static string StoreRoot => Environment.GetEnvironmentVariable("VSE_TEST_KERNELS")
        ?? (Environment.IsPrivilegedProcess ? "/var/tmp/vse-test-kernels" : $"/var/tmp/vse-test-kernels-{Environment.UserName}");
}
