using ResNetNotebooks.Display;

namespace ResNetNotebooks.Tests.Display;

public class TableTests
{
    [Fact]
    public void Columns_are_the_properties_in_declaration_order_and_numbers_get_thousands_separators()
    {
        var table = Table.From(new[]
        {
            new { stage = "b1", parameters = 3_328L, shape = new long[] { 1, 64, 56, 56 }, share = 0.0003 },
            new { stage = "b5", parameters = 8_393_728L, shape = new long[] { 1, 512, 7, 7 }, share = 0.75089 },
        });

        Assert.Equal(["stage", "parameters", "shape", "share"], table.Columns);
        Assert.Equal(["b1", "3,328", "(1, 64, 56, 56)", "0"], table.Rows[0]);
        Assert.Equal(["b5", "8,393,728", "(1, 512, 7, 7)", "0.751"], table.Rows[1]);
    }

    [Fact]
    public void Number_columns_are_right_aligned_in_text_and_html_and_text_is_escaped()
    {
        var table = Table.From(new[] { new { name = "a<b", count = 5 }, new { name = "c", count = 1_000 } });

        Assert.Equal(string.Join(Environment.NewLine, "name  count", new string('-', 4 + 2 + 5), "a<b       5", "c     1,000"), table.ToString());
        var html = table.ToHtml();
        Assert.Contains("<td style=\"text-align:left\">a&lt;b</td>", html);
        Assert.Contains("<td style=\"text-align:right\">1,000</td>", html);
    }

    [Fact]
    public void Rows_without_properties_are_refused_with_an_example()
    {
        var error = Assert.Throws<ArgumentException>(() => Table.From(new[] { 1, 2 }));

        Assert.Contains("new { stage = \"b1\"", error.Message);
    }
}
