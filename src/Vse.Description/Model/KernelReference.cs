namespace Vse.Description.Model;

/// <summary><c>os.kernel</c>, with the directory a relative <c>path:FILE</c> is relative to.</summary>
/// <param name="Source">The value as written: <c>package:NAME</c> or <c>path:FILE</c>.</param>
/// <param name="RelativeTo">
/// The directory of the description file that set it, or null where that is not known (a model
/// read from a stored configuration): a relative path cannot then be resolved.
/// </param>
public sealed record KernelReference(string Source, string? RelativeTo);
