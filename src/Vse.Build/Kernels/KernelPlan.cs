namespace Vse.Build.Kernels;

/// <summary>What <see cref="KernelStore"/> learned of a source before fetching anything: enough to find or make its entry.</summary>
/// <param name="Key">The entry's directory name: a digest of everything the entry's content depends on.</param>
/// <param name="SourceIdentity"><c>package:NAME=VERSION</c> or <c>file:sha256:...</c>.</param>
/// <param name="PackageName">For a package: the image package a metapackage stands for.</param>
/// <param name="PackageVersion">For a package: the version to fetch.</param>
/// <param name="Release">For a file: the release it says it is.</param>
/// <param name="ModulesSource">For a file: its sibling <c>lib/modules/RELEASE</c>, when there is one.</param>
internal sealed record KernelPlan(
    string Key,
    string SourceIdentity,
    string? PackageName = null,
    string? PackageVersion = null,
    string? Release = null,
    string? ModulesSource = null);
