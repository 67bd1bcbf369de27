namespace Vse.Cli.Tests;

/// <summary>
/// Tests that publish vse from this repository themselves (<c>scripts/build-deb.sh</c>,
/// <c>scripts/install.sh</c>): two <c>dotnet publish</c> runs of one tree at once fight over the
/// same obj/ files ("The process cannot access the file ... because it is being used by another
/// process"), so they run one after the other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class NativePublishCollection
{
    public const string Name = "publishes vse from the repository";
}
