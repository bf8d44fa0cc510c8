using System.Net;
using ResNetNotebooks.Inspection;

namespace ResNetNotebooks.Display;

/// <summary>
/// Content that a notebook shows folded away behind a one-line label (an HTML <c>details</c> element): the reader
/// opens it on request. The text form prints the label, then the content.
/// </summary>
/// <example>
/// <code>
/// Collapsed.Summary(ModelSummary.Create(net, [1, 1, 224, 224]), "every layer of ResNet-18")
/// </code>
/// </example>
public sealed class Collapsed : IHtmlRenderable
{
    private readonly string label;
    private readonly IHtmlRenderable content;

    /// <summary>Folds <paramref name="content"/> away behind <paramref name="label"/>.</summary>
    /// <param name="label">What the reader opens, e.g. "all 50 layers".</param>
    /// <param name="content">What is shown when opened.</param>
    /// <exception cref="ArgumentException">The label is blank.</exception>
    public Collapsed(string label, IHtmlRenderable content)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (string.IsNullOrWhiteSpace(label))
        {
            throw new ArgumentException("Collapsed needs a label that says what is folded away, e.g. \"all 50 layers\".", nameof(label));
        }

        this.label = label;
        this.content = content;
    }

    /// <summary>A model summary's full table, folded away.</summary>
    /// <param name="summary">The summary.</param>
    /// <param name="label">What the reader opens; by default "all N layers (click to open)".</param>
    /// <returns>A new collapsed table.</returns>
    public static Collapsed Summary(ModelSummary summary, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new Collapsed(label ?? $"all {summary.Rows.Count} layers of {summary.ModelName} (click to open)", summary.ToTable());
    }

    /// <inheritdoc />
    public string ToHtml() =>
        $"<details><summary>{WebUtility.HtmlEncode(label)}</summary>{content.ToHtml()}</details>";

    /// <inheritdoc />
    public override string ToString() => $"{label}{Environment.NewLine}{content}";
}
