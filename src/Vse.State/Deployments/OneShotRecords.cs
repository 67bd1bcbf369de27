using System.Globalization;
using System.Text.Json;
using Vse.Host.Processes;

namespace Vse.State.Deployments;

/// <summary>
/// One-shot runs (<c>vse run</c>) recorded by a file, <c>run/ID/once.json</c>, instead of the state
/// database: written once before the runtime starts, removed once after the command, by vse or by
/// the launcher vse replaced itself with (<c>vse-launch --once --discard</c>), which cannot write
/// SQLite. It is the record <c>vse ps</c>, <c>vse cleanup</c> and the configuration's removal see
/// (<see cref="DeploymentStore"/> merges these with the database's), so a run killed at any moment
/// still leaves what they find. It names the process that owns the run (<see cref="ProcessStart"/>),
/// so ps tells a run whose process is gone from one that is still starting.
/// </summary>
internal sealed class OneShotRecords(VseHome home)
{
    /// <summary>The record's file name in the deployment's directory, beside its instance's state directory <c>0/</c>.</summary>
    public const string FileName = "once.json";

    /// <summary>What a record being written is named by, before it is renamed to its id (<see cref="Create"/>).</summary>
    private const string StagingPrefix = ".once-";

    // 32 random bits, as for the database's ids: a retry only guards against plain bad luck.
    private const int IdAttempts = 16;

    /// <summary>Where the one-shot deployment <paramref name="id"/> is recorded, if it is one.</summary>
    public string PathOf(string id) => Path.Combine(home.Deployments, id, FileName);

    /// <summary>
    /// Records a one-shot deployment of one instance, running, owned by this process. The record is
    /// written in a directory named for its owner (<c>run/.once-PID-START-ID</c>) and renamed to
    /// <c>run/ID</c> whole: a run killed while writing it leaves a directory whose owner has gone,
    /// which the next look at the records removes (<see cref="All"/>), never a record cut short.
    /// The id is new: no directory under <c>run/</c> has it (the database's are not read: <see cref="DeploymentStore.CreateOneShot"/>).
    /// </summary>
    public Deployment Create(DeploymentRequest request, DateTimeOffset createdAt)
    {
        if (request.Hostnames.Count != 1)
        {
            throw new ArgumentException("a one-shot run has exactly one instance", nameof(request));
        }

        var owner = ProcessStart.OfThisProcess();
        Directory.CreateDirectory(home.Deployments);
        for (var attempt = 0; attempt < IdAttempts; attempt++)
        {
            var id = DeploymentIds.New();
            var directory = Path.Combine(home.Deployments, id);
            if (Directory.Exists(directory))
            {
                continue;
            }

            var deployment = new Deployment(
                new DeploymentRecord(id, request.ConfigurationId, request.Name, request.Driver, LifecycleState.Running, createdAt, null, request.DescriptionPath, owner),
                [new InstanceRecord(id, 0, request.Hostnames[0], LifecycleState.Running, null, null, null, home.InstanceDirectory(id, 0))]);
            var staging = Path.Combine(home.Deployments, $"{StagingPrefix}{owner.Pid.ToString(CultureInfo.InvariantCulture)}-{owner.StartTicks.ToString(CultureInfo.InvariantCulture)}-{id}");
            Directory.CreateDirectory(staging);
            using (var file = new FileStream(Path.Combine(staging, FileName), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None))
            {
                Write(file, deployment);
            }

            try
            {
                // rename(2) onto a directory that exists fails when it holds anything (another run drew the same id).
                Directory.Move(staging, directory);
                return deployment;
            }
            catch (IOException)
            {
                File.Delete(Path.Combine(staging, FileName));
                Directory.Delete(staging);
            }
        }

        throw new InvalidOperationException($"no free deployment id after {IdAttempts} random tries");
    }

    /// <summary>The one-shot deployment <paramref name="id"/>; null when there is no such record.</summary>
    public Deployment? Read(string id)
    {
        if (!DeploymentIdSyntax(id))
        {
            return null;
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(PathOf(id));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        return Parse(id, bytes);
    }

    /// <summary>Every one-shot deployment recorded now.</summary>
    public IReadOnlyList<Deployment> All()
    {
        if (!Directory.Exists(home.Deployments))
        {
            return [];
        }

        var found = new List<Deployment>();
        foreach (var name in Directory.EnumerateDirectories(home.Deployments).Select(Path.GetFileName).OfType<string>())
        {
            if (name.StartsWith(StagingPrefix, StringComparison.Ordinal))
            {
                RemoveAbandoned(name);
            }
            else if (Read(name) is { } deployment)
            {
                found.Add(deployment);
            }
        }

        return found;
    }

    /// <summary>
    /// A record a run was writing when it was killed (its owner is gone): nothing of the run was
    /// made yet but this directory and its one file, so they go. One whose owner runs is left to it.
    /// </summary>
    private void RemoveAbandoned(string name)
    {
        var fields = name[StagingPrefix.Length..].Split('-');
        if (fields.Length != 3 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !ulong.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start) || new ProcessStart(pid, start).IsRunning())
        {
            return;
        }

        var directory = Path.Combine(home.Deployments, name);
        try
        {
            File.Delete(Path.Combine(directory, FileName));
            Directory.Delete(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Another look at the records removed it first, or it holds what no run put there: left alone.
        }
    }

    /// <summary>Rewrites the record with the deployment's and its instance's new state (a suspend, a cleanup's stopping); false when there is none.</summary>
    public bool SetState(string id, LifecycleState state, int? pid)
    {
        if (Read(id) is not { } deployment)
        {
            return false;
        }

        var changed = new Deployment(deployment.Record with { State = state }, [deployment.Instances[0] with { State = state, Pid = pid ?? deployment.Instances[0].Pid }]);
        // Beside it, then renamed over it: a reader never finds it half written.
        var beside = PathOf(id) + ".new";
        using (var file = new FileStream(beside, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None))
        {
            Write(file, changed);
        }

        File.Move(beside, PathOf(id), overwrite: true);
        return true;
    }

    /// <summary>Forgets the one-shot deployment <paramref name="id"/> (its directory too, once empty); false if there was none.</summary>
    public bool Delete(string id)
    {
        if (!DeploymentIdSyntax(id) || !File.Exists(PathOf(id)))
        {
            return false;
        }

        File.Delete(PathOf(id));
        // A rewrite (SetState) cut short by a kill leaves its new copy beside it.
        File.Delete(PathOf(id) + ".new");
        try
        {
            Directory.Delete(Path.Combine(home.Deployments, id));
        }
        catch (IOException)
        {
            // Something is still in it (an instance's state a cleanup has yet to remove): left for it.
        }

        return true;
    }

    private static bool DeploymentIdSyntax(string id) =>
        id.Length == DeploymentIds.Length && id.All(c => char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c));

    private static void Write(Stream stream, Deployment deployment)
    {
        var (record, instance) = (deployment.Record, deployment.Instances[0]);
        using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("configuration", record.ConfigurationId);
        json.WriteString("name", record.Name);
        json.WriteString("driver", record.Driver);
        json.WriteString("state", record.State.ToString());
        json.WriteString("created", record.CreatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        json.WriteString("description", record.DescriptionPath);
        json.WriteString("hostname", instance.Hostname);
        json.WriteString("directory", instance.StateDirectory);
        if (instance.Pid is { } pid)
        {
            json.WriteNumber("pid", pid);
        }

        json.WriteNumber("owner", record.Owner!.Pid);
        json.WriteString("owner-start", record.Owner.StartTicks.ToString(CultureInfo.InvariantCulture));
        json.WriteEndObject();
    }

    /// <summary>The record; null for a file that is not one (cut short by a crash while written: nothing ran yet then).</summary>
    private static Deployment? Parse(string id, byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            string Text(string name) => root.GetProperty(name).GetString() ?? throw new InvalidDataException(name);
            var state = Enum.Parse<LifecycleState>(Text("state"));
            var owner = new ProcessStart(root.GetProperty("owner").GetInt32(), ulong.Parse(Text("owner-start"), CultureInfo.InvariantCulture));
            var record = new DeploymentRecord(
                id, Text("configuration"), Text("name"), Text("driver"), state,
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(Text("created"), CultureInfo.InvariantCulture)), null,
                root.GetProperty("description").GetString(), owner);
            int? pid = root.TryGetProperty("pid", out var p) ? p.GetInt32() : null;
            return new Deployment(record, [new InstanceRecord(id, 0, Text("hostname"), state, pid, null, null, Text("directory"))]);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or KeyNotFoundException or FormatException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }
}
