namespace ResNetNotebooks.Display;

/// <summary>
/// A value that knows how to show itself as HTML in a notebook (a summary table, a report). The notebook set-up
/// registers one formatter for every such type; outside notebooks <see cref="object.ToString"/> gives the text form.
/// </summary>
public interface IHtmlRenderable
{
    /// <summary>An HTML fragment (no &lt;html&gt; or &lt;body&gt;), with every text escaped.</summary>
    string ToHtml();
}
