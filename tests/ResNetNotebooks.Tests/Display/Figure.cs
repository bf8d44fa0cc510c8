using System.Text.Json.Nodes;
using Plotly.NET;

namespace ResNetNotebooks.Tests.Display;

/// <summary>A chart as plotly.js receives it: the <c>data</c> (traces) and <c>layout</c> of its figure JSON.</summary>
internal sealed record Figure(JsonArray Data, JsonObject Layout)
{
    public static Figure Of(GenericChart chart)
    {
        var json = JsonNode.Parse(GenericChart.toFigureJson(chart))!.AsObject();
        return new Figure(json["data"]!.AsArray(), json["layout"]!.AsObject());
    }

    public JsonObject Trace(int i) => Data[i]!.AsObject();

    public string? Title => Layout["title"]?["text"]?.GetValue<string>();

    /// <summary>The subplot titles, which Plotly.NET writes as layout annotations.</summary>
    public IReadOnlyList<string> Annotations =>
        Layout["annotations"]?.AsArray().Select(a => a!["text"]!.GetValue<string>()).ToList() ?? [];

    public static double[] Numbers(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<double>()).ToArray();

    public static string[] Texts(JsonNode? array) => array!.AsArray().Select(v => v!.GetValue<string>()).ToArray();
}
