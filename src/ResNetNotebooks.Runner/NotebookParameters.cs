using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ResNetNotebooks.Runner;

/// <summary>
/// Papermill-style parameters. A notebook's defaults (the values a learner runs) live in the code cell tagged
/// <c>parameters</c>. A named preset (e.g. <c>ci</c>, what the tests and CI run) is a set of overrides kept in the
/// notebook's metadata under <c>resnet.presets.&lt;name&gt;</c>; explicit <c>--param name=value</c> overrides come last.
/// The runner adds a cell tagged <c>injected-parameters</c> after the parameters cell that assigns the overrides, and
/// assigns nothing else: without a preset and <c>--param</c> a notebook runs exactly as it does for a learner.
/// </summary>
public static partial class NotebookParameters
{
    /// <summary>The tag that marks the parameters cell.</summary>
    public const string Tag = "parameters";

    /// <summary>The tag of the cell the runner adds.</summary>
    public const string InjectedTag = "injected-parameters";

    // A declaration at the start of a line: var, or one of the value types the runner can write a literal for,
    // optionally nullable (int? epochs = null;).
    [GeneratedRegex(@"^\s*(var|(?:int|long|double|float|string|bool)\??)\s+([A-Za-z_][A-Za-z0-9_]*)\s*=[ \t]*([^;\n]*)", RegexOptions.Multiline)]
    private static partial Regex Declaration();

    /// <summary>What values a parameter takes, from its declaration (for <c>var</c>, from its initial value).</summary>
    internal enum Kind
    {
        /// <summary>Anything: a <c>var</c> whose initial value is not a literal.</summary>
        Unknown,
        /// <summary>int or long.</summary>
        Whole,
        /// <summary>double.</summary>
        Number,
        /// <summary>float (its literals need the f suffix).</summary>
        Float,
        /// <summary>bool.</summary>
        Boolean,
        /// <summary>string.</summary>
        Text,
    }

    /// <summary>A declared parameter: its kind, whether it takes null, and its declaration as written.</summary>
    internal sealed record Parameter(string Name, Kind Kind, bool Nullable, string Declaration);

    /// <summary>The parameters a parameters cell declares, with their kinds.</summary>
    internal static IReadOnlyList<Parameter> Parameters(string parametersSource) =>
        Declaration().Matches(parametersSource).Select(m =>
        {
            var type = m.Groups[1].Value;
            var nullable = type.EndsWith('?');
            var kind = type.TrimEnd('?') switch
            {
                "int" or "long" => Kind.Whole,
                "double" => Kind.Number,
                "float" => Kind.Float,
                "bool" => Kind.Boolean,
                "string" => Kind.Text,
                _ => KindOfLiteral(m.Groups[3].Value.Trim()),
            };
            return new Parameter(m.Groups[2].Value, kind, nullable || kind is Kind.Text or Kind.Unknown, m.Value.Trim());
        }).ToList();

    /// <summary>The kind of a <c>var</c>'s initial value: 10 and 10L are whole, 0.1 a number, 1f a float, true a bool, "x" text.</summary>
    private static Kind KindOfLiteral(string literal) => literal switch
    {
        _ when Regex.IsMatch(literal, @"^-?\d+[lL]?$") => Kind.Whole,
        _ when Regex.IsMatch(literal, @"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[fF]$") => Kind.Float,
        _ when Regex.IsMatch(literal, @"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?[dD]?$") => Kind.Number,
        "true" or "false" => Kind.Boolean,
        _ when Regex.IsMatch(literal, @"^[@$]*""") => Kind.Text,
        _ => Kind.Unknown,
    };

    /// <summary>
    /// The C# literal that assigns <paramref name="value"/> (a <c>--param</c> value, or a preset's JSON value as text)
    /// to <paramref name="parameter"/>, or why it cannot: a whole number for int, a number for double, true or false
    /// for bool, null only where the declaration takes it; any text for a string.
    /// </summary>
    internal static string LiteralFor(Parameter parameter, string value, bool isJsonString, out string? problem)
    {
        problem = null;
        var unquoted = !isJsonString && value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;
        if (value == "null" && !isJsonString)
        {
            if (parameter.Nullable)
            {
                return "null";
            }
        }
        else
        {
            switch (parameter.Kind)
            {
                case Kind.Whole when !isJsonString && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _):
                    return value;
                case Kind.Number or Kind.Float when !isJsonString &&
                    double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number):
                    return parameter.Kind == Kind.Float ? value + "f" : value;
                case Kind.Boolean when !isJsonString && value is "true" or "false":
                    return value;
                case Kind.Text:
                    return StringLiteral(isJsonString ? value : unquoted);
                case Kind.Unknown:
                    return isJsonString ? StringLiteral(value) : LiteralFromText(value);
            }
        }
        var takes = parameter.Kind switch
        {
            Kind.Whole => "a whole number",
            Kind.Number or Kind.Float => "a number",
            Kind.Boolean => "true or false",
            _ => "a value of its type",
        };
        problem = $"{parameter.Name} takes {takes}{(parameter.Nullable ? " or null" : "")}, not '{value}'";
        return value;
    }

    /// <summary>
    /// The names the parameters cell declares, e.g. <c>var epochs = 10;</c> or <c>int? epochs = null;</c> declares
    /// <c>epochs</c>.
    /// </summary>
    public static IReadOnlyList<string> Declared(string parametersSource) =>
        Declaration().Matches(parametersSource).Select(m => m.Groups[2].Value).ToList();

    /// <summary>The presets a notebook defines in its metadata (<c>resnet.presets</c>), in their order there.</summary>
    public static IReadOnlyList<string> Presets(NotebookDocument notebook) =>
        (notebook.Metadata["resnet"]?["presets"] as JsonObject)?.Select(kv => kv.Key).ToList() ?? [];

    /// <summary>
    /// The overrides of <paramref name="preset"/> (none when it is null) merged with <paramref name="explicitValues"/>,
    /// in the order they are assigned, or an empty list when there is nothing to override.
    /// </summary>
    /// <exception cref="ArgumentException">An override names a parameter the notebook does not declare; the
    /// notebook has no parameters cell but overrides were asked for; or the notebook has a parameters cell but does
    /// not define <paramref name="preset"/> (a notebook without parameters runs any preset with its defaults).</exception>
    public static IReadOnlyList<(string Name, string Literal)> Resolve(
        NotebookDocument notebook, string? preset, IReadOnlyDictionary<string, string> explicitValues)
    {
        var cell = notebook.Cells.OfType<JsonObject>().FirstOrDefault(c => NotebookDocument.Tags(c).Contains(Tag));
        var declared = cell is null ? [] : Parameters(NotebookDocument.Source(cell));
        // (name, value as text, whether the value is a JSON string, where it came from)
        var values = new List<(string Name, string Value, bool IsJsonString, string Source)>();
        if (preset is not null)
        {
            if (notebook.Metadata["resnet"]?["presets"]?[preset] is JsonObject overrides)
            {
                foreach (var (key, node) in overrides)
                {
                    var isString = node is not null && node.GetValueKind() == JsonValueKind.String;
                    var text = node is null ? "null" : isString ? node.GetValue<string>() : Literal(node);
                    values.Add((key, text, isString, $"preset \"{preset}\""));
                }
            }
            else if (cell is not null)
            {
                var presets = Presets(notebook);
                throw new ArgumentException(
                    $"{notebook.Name} has parameters but no preset \"{preset}\" (it defines " +
                    $"{(presets.Count == 0 ? "none" : string.Join(", ", presets))}). Add it to the notebook's metadata " +
                    $"under resnet.presets ({{}} runs the defaults).");
            }
        }
        values.AddRange(explicitValues.Select(kv => (kv.Key, kv.Value, false, $"--param {kv.Key}={kv.Value}")));

        if (values.Count > 0 && cell is null)
        {
            throw new ArgumentException(
                $"{notebook.Name} has no cell tagged \"{Tag}\", so its parameters cannot be set " +
                $"({string.Join(", ", values.Select(v => v.Name))}). Tag the cell that declares the defaults with \"{Tag}\".");
        }
        var unknown = values.Select(v => v.Name).Where(n => declared.All(d => d.Name != n)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"{notebook.Name} has no parameter {string.Join(", ", unknown)}; its parameters cell declares " +
                $"{(declared.Count == 0 ? "none" : string.Join(", ", declared.Select(d => d.Name)))}. Check the name (case matters).");
        }
        var literals = new List<(string Name, string Literal)>();
        foreach (var (name, value, isString, source) in values)
        {
            var parameter = declared.First(d => d.Name == name);
            var literal = LiteralFor(parameter, value, isString, out var problem);
            if (problem is not null)
            {
                throw new ArgumentException($"{problem} ({source}; {notebook.Name} declares `{parameter.Declaration}`).");
            }
            literals.Add((name, literal));
        }
        return literals;
    }

    /// <summary>
    /// Adds the cell tagged <see cref="InjectedTag"/> after the parameters cell, assigning <paramref name="overrides"/>
    /// (from <see cref="Resolve"/>); adds nothing when there are none. The runner does this before it executes a
    /// notebook, and the Jupyter tests do it to make the parameterised copy that Jupyter executes.
    /// </summary>
    public static void Inject(NotebookDocument notebook, string? preset, IReadOnlyList<(string Name, string Literal)> overrides)
    {
        if (overrides.Count == 0)
        {
            return;
        }
        var cells = notebook.Cells;
        var at = cells.Select((c, i) => (c, i)).First(x => NotebookDocument.Tags((JsonObject)x.c!).Contains(Tag)).i;
        cells.Insert(at + 1, new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["metadata"] = new JsonObject
            {
                ["tags"] = new JsonArray(InjectedTag),
                ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
            },
            ["outputs"] = new JsonArray(),
            ["source"] = NotebookDocument.SourceLines(InjectedSource(preset, overrides)),
        });
    }

    /// <summary>The code of the injected cell.</summary>
    public static string InjectedSource(string? preset, IReadOnlyList<(string Name, string Literal)> values)
    {
        var code = new StringBuilder(preset is null
            ? "// Injected by the headless runner (--param).\n"
            : $"// Injected by the headless runner (preset \"{preset}\").\n");
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

    /// <summary>
    /// A C# literal for a command-line value: a number, true/false or null as is, anything else as a string
    /// (quotes around it are dropped: <c>"3"</c> is the string 3).
    /// </summary>
    public static string LiteralFromText(string text) =>
        text is "true" or "false" or "null" || double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? text
            : StringLiteral(text.Length >= 2 && text[0] == '"' && text[^1] == '"' ? text[1..^1] : text);

    private static string StringLiteral(string s) =>
        Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(s, quote: true);
}
