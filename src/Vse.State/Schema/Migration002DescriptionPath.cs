namespace Vse.State.Schema;

/// <summary>
/// Schema version 2: a deployment records the description file it was deployed from, so
/// <c>vse commit</c> can write a description that extends it. Null for deployments made before,
/// and for those made from no file.
/// </summary>
internal static class Migration002DescriptionPath
{
    public const string Sql = "ALTER TABLE deployments ADD COLUMN description_path TEXT;";
}
