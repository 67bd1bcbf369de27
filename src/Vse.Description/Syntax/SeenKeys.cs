using System.Runtime.CompilerServices;

namespace Vse.Description.Syntax;

/// <summary>
/// The keys of one mapping seen so far, to find a key given twice. Most mappings of a description
/// are small (a step, a mount, a target), and a <see cref="HashSet{T}"/> for each cost ~2 MB of
/// allocation per resolve of a 10,000-key hierarchy; up to <see cref="FewKeys.Length"/> keys are
/// compared in place instead, and a set is built only for a longer mapping. A mutable struct:
/// keep it in a local (or an iterator's state), never copy it.
/// </summary>
internal struct SeenKeys
{
    private FewKeys _few;
    private int _count;
    private HashSet<string>? _many;

    /// <param name="expected">How many keys will be added, when known: a longer mapping gets its set at that size at once.</param>
    public SeenKeys(int expected)
    {
        _many = expected > FewKeys.Length ? new HashSet<string>(expected, StringComparer.Ordinal) : null;
    }

    /// <returns>False when <paramref name="key"/> was seen before (ordinal comparison).</returns>
    public bool Add(string key)
    {
        if (_many is null)
        {
            for (var i = 0; i < _count; i++)
            {
                if (string.Equals(_few[i], key, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            if (_count < FewKeys.Length)
            {
                _few[_count++] = key;
                return true;
            }

            _many = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < _count; i++)
            {
                _many.Add(_few[i]);
            }
        }

        return _many.Add(key);
    }

    [InlineArray(Length)]
    private struct FewKeys
    {
        public const int Length = 8;

        private string _first;
    }
}
