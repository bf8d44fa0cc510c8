using System.Text.RegularExpressions;

namespace ResNetNotebooks.Runner.Translations;

/// <summary>
/// What a translation must keep of its English cell however it words it: the link targets and the display math.
/// </summary>
public static partial class MarkdownFeatures
{
    // ](target) or ](target "title"): the target runs up to the first space or unmatched ')', so that a target with
    // one level of parentheses (https://en.wikipedia.org/wiki/Residual_(numerical_analysis)) is read whole.
    [GeneratedRegex(@"\]\(\s*<?((?:[^\s()<>]|\([^\s()<>]*\))+)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex LinkTarget();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}|\p{IsCJKUnifiedIdeographsExtensionA}|\p{IsCJKCompatibilityIdeographs}")]
    private static partial Regex ChineseCharacter();

    /// <summary>The targets of the markdown links and images in <paramref name="markdown"/> (<c>[text](target)</c>), each once.</summary>
    public static IReadOnlySet<string> LinkTargets(string markdown) =>
        LinkTarget().Matches(markdown).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

    /// <summary>How many display-math blocks (<c>$$ … $$</c>) <paramref name="markdown"/> holds: its <c>$$</c> delimiters, halved.</summary>
    public static int DisplayMathCount(string markdown)
    {
        var delimiters = 0;
        for (var i = markdown.IndexOf("$$", StringComparison.Ordinal); i >= 0; i = markdown.IndexOf("$$", i + 2, StringComparison.Ordinal))
        {
            delimiters++;
        }
        return delimiters / 2;
    }

    /// <summary>Whether <paramref name="text"/> holds at least one CJK ideograph (a Chinese character).</summary>
    public static bool HasChinese(string text) => ChineseCharacter().IsMatch(text);
}
