using ResNetNotebooks.Display;
using ResNetNotebooks.Inspection;
using ResNetNotebooks.Models;

namespace ResNetNotebooks.Tests.Display;

public class CollapsedTests
{
    [Fact]
    public void Collapsed_content_sits_in_a_details_element_behind_its_escaped_label()
    {
        var table = new HtmlTable(new HtmlColumn("a")).AddRow("1");

        var html = new Collapsed("all <2> rows", table).ToHtml();

        Assert.StartsWith("<details><summary>all &lt;2&gt; rows</summary><table", html);
        Assert.EndsWith("</details>", html);
        Assert.Throws<ArgumentException>(() => new Collapsed(" ", table));
    }

    [Fact]
    public void A_collapsed_summary_counts_the_layers_in_its_label_and_holds_the_full_table()
    {
        using var block = new Residual(3, 3);
        var summary = ModelSummary.Create(block, [1, 3, 6, 6]);

        var collapsed = Collapsed.Summary(summary);

        Assert.Contains($"all {summary.Rows.Count} layers of", collapsed.ToString());
        Assert.Contains(summary.ToTable().ToHtml(), collapsed.ToHtml());
    }
}
