using System.Collections.Concurrent;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Fluid;

namespace ResNetNotebooks.Runner.Publish;

/// <summary>
/// The book's page templates: Liquid files (Fluid) embedded from Publish/Templates/. Values are HTML-encoded unless a
/// template writes <c>| raw</c> (only for HTML the publisher rendered: Markdig's prose, notebook HTML outputs, a page's
/// body). A misspelt variable is an error, not an empty string.
/// </summary>
internal static class PageTemplates
{
    private static readonly FluidParser Parser = new();

    private static readonly ConcurrentDictionary<string, IFluidTemplate> Parsed = new(StringComparer.Ordinal);

    // Chinese and other non-ASCII text stays as it is; markup characters are encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    private static readonly TemplateOptions Options = CreateOptions();

    // Fluid reads the models' public properties (Views.cs) by reflection.
    private static TemplateOptions CreateOptions()
    {
        return new TemplateOptionsBuilder()
            .WithStrictVariables(true)
            .WithStrictFilters(true)
            .Build();
    }

    /// <summary>Renders the template <paramref name="name"/> (Templates/NAME.liquid) with <paramref name="model"/>'s properties as its variables.</summary>
    /// <exception cref="PublishException">The template is missing or does not parse (a defect of the build, not of the notebooks).</exception>
    public static string Render(string name, object model)
    {
        var template = Parsed.GetOrAdd(name, Load);
        var context = new TemplateContext(model, Options);
        return template.Render(context, Encoder);
    }

    private static IFluidTemplate Load(string name)
    {
        var resource = $"Publish.Templates.{name}.liquid";
        using var stream = typeof(PageTemplates).Assembly.GetManifestResourceStream(resource)
                           ?? throw new PublishException($"publish: the page template {resource} is not in the program (a build defect).");
        var text = new StreamReader(stream).ReadToEnd();
        return Parser.TryParse(text, out var template, out var error)
            ? template
            : throw new PublishException($"publish: the page template {name}.liquid does not parse: {error}");
    }
}
