namespace Vse.Runtime.Host;

/// <summary>The accelerators' names as vse shows and records them (<c>vm:tcg</c>).</summary>
public static class VmAccelerators
{
    public static string Name(VmAccelerator accelerator) => accelerator == VmAccelerator.Kvm ? "kvm" : "tcg";

    public static VmAccelerator Parse(string name) => name switch
    {
        "kvm" => VmAccelerator.Kvm,
        "tcg" => VmAccelerator.Tcg,
        _ => throw new InvalidDataException($"'{name}' is not a VM accelerator (kvm or tcg)"),
    };
}
