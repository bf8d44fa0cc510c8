using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ResNetNotebooks.Runner;

/// <summary>
/// Papermill-style parameters. A notebook's defaults (the values a learner runs) live in the code cell tagged
/// <c>parameters</c>. A named profile (e.g. <c>quick</c>, used by CI) is a set of overrides kept in the notebook's
/// metadata under <c>resnet.profiles.&lt;name&gt;</c>; explicit <c>--param name=value</c> overrides come last.
/// The runner adds a cell tagged <c>injected-parameters</c> after the parameters cell that assigns the overrides.
/// If the parameters cell declares a variable named <c>profile</c>, it is set to the profile's name.
/// </summary>
public static partial class NotebookParameters
{
    /// <summary>The tag that marks the parameters cell.</summary>
    public const string Tag = "parameters";

    /// <summary>The tag of the cell the runner adds.</summary>
    public const string InjectedTag = "injected-parameters";

    /// <summary>The profile whose overrides are none: the notebook's own defaults.</summary>
    public const string FullProfile = "full";

    [GeneratedRegex(@"^\s*(?:var|int|long|double|float|string|bool)\s+([A-Za-z_][A-Za-z0-9_]*)\s*=", RegexOptions.Multiline)]
    private static partial Regex Declaration();

    /// <summary>The names the parameters cell declares, e.g. <c>var epochs = 10;</c> declares <c>epochs</c>.</summary>
    public static IReadOnlyList<string> Declared(string parametersSource) =>
        Declaration().Matches(parametersSource).Select(m => m.Groups[1].Value).ToList();

    /// <summary>
    /// The overrides for <paramref name="profile"/> merged with <paramref name="explicitValues"/>, in the order
    /// they are assigned, or an empty list when there is nothing to override.
    /// </summary>
    /// <exception cref="ArgumentException">An override names a parameter the notebook does not declare, or the
    /// notebook has no parameters cell but overrides were asked for.</exception>
    public static IReadOnlyList<(string Name, string Literal)> Resolve(
        NotebookDocument notebook, string profile, IReadOnlyDictionary<string, string> explicitValues)
    {
        var cell = notebook.Cells.OfType<JsonObject>().FirstOrDefault(c => NotebookDocument.Tags(c).Contains(Tag));
        var declared = cell is null ? [] : Declared(NotebookDocument.Source(cell));
        var values = new List<(string Name, string Literal)>();
        if (declared.Contains("profile"))
        {
            values.Add(("profile", StringLiteral(profile)));
        }
        if (notebook.Metadata["resnet"]?["profiles"]?[profile] is JsonObject overrides)
        {
            values.AddRange(overrides.Select(kv => (kv.Key, Literal(kv.Value!))));
        }
        values.AddRange(explicitValues.Select(kv => (kv.Key, LiteralFromText(kv.Value))));

        if (values.Count > 0 && cell is null)
        {
            throw new ArgumentException(
                $"{notebook.Name} has no cell tagged \"{Tag}\", so its parameters cannot be set " +
                $"({string.Join(", ", values.Select(v => v.Name))}). Tag the cell that declares the defaults with \"{Tag}\".");
        }
        var unknown = values.Select(v => v.Name).Where(n => !declared.Contains(n)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"{notebook.Name} has no parameter {string.Join(", ", unknown)}; its parameters cell declares " +
                $"{(declared.Count == 0 ? "none" : string.Join(", ", declared))}. Check the name (case matters).");
        }
        return values;
    }

    /// <summary>The code of the injected cell.</summary>
    public static string InjectedSource(string profile, IReadOnlyList<(string Name, string Literal)> values)
    {
        var code = new StringBuilder($"// Injected by the headless runner (profile \"{profile}\").\n");
        foreach (var (name, literal) in values)
        {
            code.Append($"{name} = {literal};\n");
        }
        return code.ToString();
    }

    /// <summary>A C# literal for a JSON value (number, string or boolean).</summary>
    public static string Literal(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => StringLiteral(value.GetValue<string>()),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.ToJsonString(),
        var kind => throw new ArgumentException($"Parameter value {value.ToJsonString()} is a JSON {kind}; use a number, a string or true/false."),
    };

    /// <summary>A C# literal for a command-line value: a number or true/false as is, anything else as a string.</summary>
    public static string LiteralFromText(string text) =>
        text is "true" or "false" || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? text
            : StringLiteral(text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : text);

    private static string StringLiteral(string s) =>
        Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(s, quote: true);
}
