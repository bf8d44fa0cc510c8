using System.Globalization;
using System.Text;

namespace ResNetNotebooks.Benchmarks;

/// <summary>The benchmark's table: per column the median, min–max and the ratios of medians.</summary>
internal static class Table
{
    public static string Format(int size, int batch, Dictionary<string, List<double>> results, string fp32Column, string? pytorchColumn)
    {
        var text = new StringBuilder();
        var header = pytorchColumn is null ? "" : $"  {"÷ " + pytorchColumn,12}";
        var label = $"{size}×{size} b{batch}:";
        var indent = new string(' ', label.Length);
        text.AppendLine(CultureInfo.InvariantCulture, $"  {label}  {"column",-14} {"median",8}  {"min–max",-15} {"÷ " + fp32Column,16}{header}");
        foreach (var (name, speeds) in results)
        {
            var median = Median(speeds);
            var line = string.Create(CultureInfo.InvariantCulture,
                $"  {indent}  {name,-14} {median,8:F1}  {$"{speeds.Min():F1}–{speeds.Max():F1}",-15} {median / Median(results[fp32Column]),16:F2}");
            if (pytorchColumn is not null)
            {
                line += string.Create(CultureInfo.InvariantCulture, $"  {median / Median(results[pytorchColumn]),12:F2}");
            }

            text.AppendLine(line);
        }

        return text.ToString().TrimEnd();
    }

    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
