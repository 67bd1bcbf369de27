using System.Runtime.Versioning;

// vse runs on Linux (namespaces, cgroups, KVM); so do the tests, which set Unix modes and owners.
[assembly: SupportedOSPlatform("linux")]
