using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Vse.Description.Caching;

/// <summary>
/// The user's environment as a resolve sees it (<see cref="ResolveOptions.Environment"/>), telling
/// <paramref name="inputs"/> each variable looked up, found or not: <c>${env.X}</c> of an unset
/// variable counts as much as of a set one, since setting it changes the result. Enumerating it
/// (nothing in the resolver does) makes the resolve one not to keep: a variable added later would not be seen.
/// </summary>
internal sealed class RecordingEnvironment(IReadOnlyDictionary<string, string> environment, ResolveInputs inputs) : IReadOnlyDictionary<string, string>
{
    public int Count => RecordAll().Count;

    public IEnumerable<string> Keys => RecordAll().Keys;

    public IEnumerable<string> Values => RecordAll().Values;

    public string this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public bool ContainsKey(string key) => TryGetValue(key, out _);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value)
    {
        var found = environment.TryGetValue(key, out value);
        inputs.Variable(key, found ? value : null);
        return found;
    }

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => RecordAll().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private IReadOnlyDictionary<string, string> RecordAll()
    {
        inputs.NotRepeatable();
        return environment;
    }
}
