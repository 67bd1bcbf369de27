namespace Vse.Build.Kernels;

/// <summary>
/// <c>os.kernel</c> cannot be used as written: bad syntax, a package apt does not know, a file
/// that is missing or is not a kernel vse can boot. The message names the source and says why.
/// </summary>
public sealed class KernelSourceException(string message) : Exception(message);
