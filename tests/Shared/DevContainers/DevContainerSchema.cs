using System.Text.Json;
using Json.Schema;

namespace Vse.Testing;

/// <summary>Validates a <c>devcontainer.json</c> against the Dev Containers schema's rules (README.md beside the schema file).</summary>
internal static class DevContainerSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "devcontainer.schema.json"))));

    /// <returns>Every error, as "LOCATION: MESSAGE"; empty when the document is valid.</returns>
    public static IReadOnlyList<string> Errors(string json)
    {
        using var document = JsonDocument.Parse(json);
        var results = Schema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        return [.. (results.Details ?? []).Prepend(results)
            .Where(r => r.Errors is { Count: > 0 })
            .SelectMany(r => r.Errors!.Select(e => $"{r.InstanceLocation}: {e.Key}: {e.Value}"))
            .DefaultIfEmpty("invalid")];
    }
}
