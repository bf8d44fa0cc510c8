using ResNetNotebooks.Display;

namespace ResNetNotebooks.Tests.Display;

public class HtmlTableTests
{
    [Fact]
    public void Renders_caption_header_rows_and_footer_with_explicit_alignment_and_escaped_text()
    {
        var html = new HtmlTable("summary", new HtmlColumn("Layer"), HtmlColumn.Number("Param #"))
            .WithCaption("net <1>")
            .AddRow("a&b", "1,000")
            .AddFooter("Total", "1,000")
            .ToHtml();

        Assert.Equal(
            "<table class=\"summary\"><caption>net &lt;1&gt;</caption>" +
            "<thead><tr><th style=\"text-align:left\">Layer</th><th style=\"text-align:right\">Param #</th></tr></thead>" +
            "<tbody><tr><td style=\"text-align:left\">a&amp;b</td><td style=\"text-align:right\">1,000</td></tr></tbody>" +
            "<tfoot><tr><th colspan=\"1\" style=\"text-align:left\">Total</th><td style=\"text-align:right\">1,000</td></tr></tfoot></table>",
            html);
    }

    [Fact]
    public void A_column_can_carry_a_note_under_its_header_and_show_its_cells_as_code()
    {
        var html = new HtmlTable(new HtmlColumn("item"), new HtmlColumn("value") { Code = true, Note = "from <here>" })
            .AddRow("TorchSharp", "0.107.0")
            .ToHtml();

        Assert.StartsWith("<table><thead>", html);
        Assert.Contains("<th style=\"text-align:left\">value<br><small>from &lt;here&gt;</small></th>", html);
        Assert.Contains("<td style=\"text-align:left\"><code>0.107.0</code></td>", html);
        Assert.DoesNotContain("<tfoot>", html);
    }

    [Fact]
    public void A_row_with_the_wrong_number_of_cells_is_refused_naming_the_columns()
    {
        var table = new HtmlTable(new HtmlColumn("epoch"), HtmlColumn.Number("loss"));

        var error = Assert.Throws<ArgumentException>(() => table.AddRow("1"));

        Assert.Contains("needs 2 cells (epoch, loss), but got 1", error.Message);
        Assert.Throws<ArgumentException>(() => new HtmlTable());
    }

    [Fact]
    public void The_text_form_pads_numbers_left_names_right_and_ends_with_label_value_footers()
    {
        var text = new HtmlTable(new HtmlColumn("Layer"), HtmlColumn.Number("Param #"))
            .WithCaption("net")
            .AddRow("b1", "3,328")
            .AddRow("fc.weight", "5")
            .AddFooter("Total", "3,333")
            .ToString();

        // Widths: "fc.weight" 9, "Param #" 7; the rules span 9 + 2 + 7 = 18 characters.
        Assert.Equal(
            string.Join(
                Environment.NewLine,
                "net",
                new string('=', 18),
                "Layer      Param #",
                new string('-', 18),
                "b1           3,328",
                "fc.weight        5",
                new string('=', 18),
                "Total: 3,333"),
            text);
    }
}
