using System.Text;
using Vse.Description.Diagnostics;

namespace Vse.Description.Layers;

/// <summary>Expands <c>${...}</c> in string values; <c>$${</c> is a literal <c>${</c>.</summary>
public static class Interpolator
{
    /// <returns>The expanded text, or null after reporting why it cannot be expanded.</returns>
    public static string? Expand(string text, SourceLocation location, InterpolationContext context, DiagnosticBag diagnostics)
    {
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var ok = true;
        var i = 0;
        while (i < text.Length)
        {
            if (text.AsSpan(i).StartsWith("$${"))
            {
                result.Append("${");
                i += 3;
                continue;
            }

            if (!text.AsSpan(i).StartsWith("${"))
            {
                result.Append(text[i++]);
                continue;
            }

            var close = text.IndexOf('}', i + 2);
            if (close < 0)
            {
                diagnostics.Error(DiagnosticCodes.MalformedInterpolation, location, $"'${{' without a closing '}}' in \"{text}\" (write $${{ for a literal ${{)");
                return null;
            }

            var variable = text[(i + 2)..close];
            var value = Lookup(variable, location, context, diagnostics);
            if (value is null)
            {
                ok = false;
            }
            else
            {
                result.Append(value);
            }

            i = close + 1;
        }

        return ok ? result.ToString() : null;
    }

    private static string? Lookup(string variable, SourceLocation location, InterpolationContext context, DiagnosticBag diagnostics)
    {
        switch (variable)
        {
            case "vse.name":
                return context.Name;
            case "vse.target":
                return context.Target;
        }

        if (variable.StartsWith("env.", StringComparison.Ordinal) && variable.Length > 4)
        {
            var name = variable[4..];
            if (context.Environment.TryGetValue(name, out var value))
            {
                return value;
            }

            diagnostics.Error(DiagnosticCodes.UnsetEnvironmentVariable, location, $"environment variable '{name}' is not set (used as ${{{variable}}})");
            return null;
        }

        diagnostics.Error(DiagnosticCodes.UnknownVariable, location,
            $"unknown variable '${{{variable}}}' (known: ${{env.NAME}}, ${{vse.name}}, ${{vse.target}}; write $${{ for a literal ${{)");
        return null;
    }
}
