using System.Reflection;

namespace Vse.Host.Tests;

/// <summary>The version compiled in (what the caches key by) is the assembly's informational version, commit included.</summary>
public sealed class VseVersionTests
{
    [Fact]
    public void The_compiled_in_version_is_the_informational_version_of_the_assembly()
    {
        var attribute = typeof(VseVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>();

        Assert.NotNull(attribute);
        Assert.Equal(attribute.InformationalVersion, VseVersion.Informational);
    }
}
