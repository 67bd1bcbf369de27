namespace Vse.Build.Images;

public enum ImageArchiveFormat
{
    /// <summary>An OCI image layout directory (<c>oci-layout</c>, <c>index.json</c>, <c>blobs/</c>).</summary>
    OciLayout,

    /// <summary>An OCI image layout packed as a tar file (what <c>oci-archive:</c> names).</summary>
    OciArchive,

    /// <summary>A <c>docker save</c> tarball (<c>manifest.json</c>).</summary>
    DockerArchive,
}
