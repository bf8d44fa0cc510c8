using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace ResNetNotebooks.Display;

/// <summary>
/// Heatmaps of images and feature maps: one map, a grid of maps, the first channels of a stage, or a few channels
/// of every stage of a network. Row 0 of an array is drawn at the top, as an image is shown.
/// </summary>
/// <example>
/// <code>
/// float[,,] maps = FeatureMaps.ToArray(output);                     // [channel, row, column]
/// Heatmaps.Heatmap(Heatmaps.Channel(maps, 0), "channel 0")          // one map
/// Heatmaps.FeatureMaps(featureMaps.ToArrays(), channelsPerStage: 4) // b1..b5: four channels each
/// </code>
/// </example>
public static class Heatmaps
{
    /// <summary>Width and height in pixels of one panel of a grid.</summary>
    public const int PanelSize = 180;

    /// <summary>One heatmap of <paramref name="values"/> (<c>[row, column]</c>), with a colour bar.</summary>
    /// <param name="values">The map; row 0 is drawn at the top.</param>
    /// <param name="title">What the map shows.</param>
    /// <param name="grey">Grey scale (black = low), the usual look of a Fashion-MNIST image; otherwise Viridis.</param>
    /// <returns>A new chart.</returns>
    /// <exception cref="ArgumentException">The map is empty or the title is blank.</exception>
    public static GenericChart Heatmap(float[,] values, string title, bool grey = false)
    {
        ArgumentNullException.ThrowIfNull(values);
        ChartStyle.RequireTitle(title, "Heatmaps.Heatmap");
        var chart = Panel(values, showScale: true, grey)
            .WithSize(Width: 420, Height: 380);
        return ChartStyle.Title(chart, title);
    }

    /// <summary>
    /// A grid of heatmaps, <paramref name="columns"/> per row, each with its own title. Each map keeps its own colour
    /// range (maps of different layers differ in scale); with <paramref name="colourBars"/> each panel gets its own
    /// colour bar beside it, so that the values can be read off.
    /// </summary>
    /// <param name="panels">Title and map of each panel, filled row by row.</param>
    /// <param name="columns">Panels per row.</param>
    /// <param name="title">What the grid shows.</param>
    /// <param name="grey">Grey scale instead of Viridis.</param>
    /// <param name="colourBars">A colour bar beside every panel (the grid leaves room for them).</param>
    /// <returns>A new chart.</returns>
    /// <exception cref="ArgumentException">No panels, an empty map, fewer than one column, or a blank title.</exception>
    public static GenericChart Grid(
        IReadOnlyList<(string Title, float[,] Values)> panels, int columns, string title, bool grey = false, bool colourBars = false)
    {
        ArgumentNullException.ThrowIfNull(panels);
        ChartStyle.RequireTitle(title, "Heatmaps.Grid");
        if (panels.Count == 0)
        {
            throw new ArgumentException("Heatmaps.Grid needs at least one panel.", nameof(panels));
        }

        if (columns < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(columns), columns, "Heatmaps.Grid needs at least one column per row, e.g. 4.");
        }

        var cols = Math.Min(columns, panels.Count);
        var rows = (panels.Count + cols - 1) / cols;
        const double yGap = 0.35;
        var xGap = colourBars ? 0.6 : 0.15;
        var grid = Chart.Grid(
                panels.Select((p, i) => Panel(p.Values, colourBars, grey, colourBars ? ColourBarBeside(i / cols, i % cols, rows, cols, xGap, yGap) : null)),
                rows,
                cols,
                SubPlotTitles: panels.Select(p => p.Title).ToArray(),
                YGap: yGap,
                XGap: xGap)
            .WithSize(Width: Math.Max(360, (cols * (colourBars ? PanelSize + 70 : PanelSize)) + 80), Height: (rows * (PanelSize + 30)) + 100);
        return ChartStyle.Title(grid, title);
    }

    /// <summary>
    /// <paramref name="a"/> − <paramref name="b"/>, value by value: where two maps differ, and by how much (an all-zero
    /// map means they are identical).
    /// </summary>
    /// <param name="a">A map <c>[row, column]</c>.</param>
    /// <param name="b">A map of the same size.</param>
    /// <returns>A new map of the same size.</returns>
    /// <exception cref="ArgumentException">The maps differ in size.</exception>
    public static float[,] Difference(float[,] a, float[,] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var (h, w) = (a.GetLength(0), a.GetLength(1));
        if (b.GetLength(0) != h || b.GetLength(1) != w)
        {
            throw new ArgumentException(
                $"Heatmaps.Difference needs two maps of the same size, got {h}×{w} and {b.GetLength(0)}×{b.GetLength(1)}; " +
                "take both from the same layer (or resize one first).",
                nameof(b));
        }

        var difference = new float[h, w];
        for (var r = 0; r < h; r++)
        {
            for (var c = 0; c < w; c++)
            {
                difference[r, c] = a[r, c] - b[r, c];
            }
        }

        return difference;
    }

    // plotly.js lays out a grid cell by cell: a cell is 1 / (n + (n - 1) · gap) of the width (or height), and a gap is
    // that fraction of a cell. The colour bar goes into the gap right of its panel, as tall as the panel.
    private static ColorBar ColourBarBeside(int row, int column, int rows, int columns, double xGap, double yGap)
    {
        var width = 1.0 / (columns + ((columns - 1) * xGap));
        var height = 1.0 / (rows + ((rows - 1) * yGap));
        var bar = new ColorBar();
        bar.SetProperty("x", (column * width * (1 + xGap)) + width + (0.04 * width));
        bar.SetProperty("xanchor", "left");
        bar.SetProperty("y", 1 - (row * height * (1 + yGap)) - (height / 2));
        bar.SetProperty("yanchor", "middle");
        bar.SetProperty("len", height);
        bar.SetProperty("lenmode", "fraction");
        bar.SetProperty("thickness", 10);
        return bar;
    }

    /// <summary>The first <paramref name="count"/> channels of one feature map, side by side.</summary>
    /// <param name="maps">A feature map <c>[channel, row, column]</c> (from <c>FeatureMaps.ToArray</c>).</param>
    /// <param name="title">What the maps are, e.g. "Residual(1 → 8, stride 2): output".</param>
    /// <param name="count">Channels to show (at most the channels there are).</param>
    /// <returns>A new chart with one row of panels titled <c>channel 0</c>, <c>channel 1</c>, ….</returns>
    public static GenericChart Channels(float[,,] maps, string title, int count = 4)
    {
        ArgumentNullException.ThrowIfNull(maps);
        var shown = Math.Min(count, maps.GetLength(0));
        var panels = Enumerable.Range(0, shown).Select(c => ($"channel {c}", Channel(maps, c))).ToList();
        return Grid(panels, shown, title);
    }

    /// <summary>
    /// A few channels of every stage: one row per stage (in the order given), <paramref name="channelsPerStage"/>
    /// panels per row, titled <c>b3 · channel 0</c> with the map's height × width.
    /// </summary>
    /// <param name="stages">Stage name → feature map <c>[channel, row, column]</c> (e.g. <c>FeatureMaps.ToArrays()</c>).</param>
    /// <param name="channelsPerStage">Channels shown per stage (the first ones).</param>
    /// <param name="title">What the grid shows.</param>
    /// <returns>A new chart.</returns>
    /// <exception cref="ArgumentException">No stages, or a stage has fewer channels than <paramref name="channelsPerStage"/>.</exception>
    public static GenericChart FeatureMaps(
        IEnumerable<KeyValuePair<string, float[,,]>> stages, int channelsPerStage = 4, string title = "Feature maps per stage")
    {
        ArgumentNullException.ThrowIfNull(stages);
        var panels = new List<(string, float[,])>();
        foreach (var (name, maps) in stages)
        {
            if (maps.GetLength(0) < channelsPerStage)
            {
                throw new ArgumentException(
                    $"Stage {name} has {maps.GetLength(0)} channel(s), fewer than the {channelsPerStage} asked for; " +
                    $"pass channelsPerStage: {maps.GetLength(0)} or leave the stage out.",
                    nameof(stages));
            }

            for (var c = 0; c < channelsPerStage; c++)
            {
                panels.Add(($"{name} · ch {c} · {maps.GetLength(1)}×{maps.GetLength(2)}", Channel(maps, c)));
            }
        }

        return Grid(panels, channelsPerStage, title);
    }

    /// <summary>Channel <paramref name="channel"/> of a feature map, as a new <c>[row, column]</c> array.</summary>
    /// <param name="maps">A feature map <c>[channel, row, column]</c>.</param>
    /// <param name="channel">0-based channel index.</param>
    /// <returns>A copy; changing it leaves <paramref name="maps"/> alone.</returns>
    /// <exception cref="ArgumentOutOfRangeException">There is no such channel.</exception>
    public static float[,] Channel(float[,,] maps, int channel)
    {
        ArgumentNullException.ThrowIfNull(maps);
        var (c, h, w) = (maps.GetLength(0), maps.GetLength(1), maps.GetLength(2));
        if (channel < 0 || channel >= c)
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, $"The feature map has channels 0..{c - 1}.");
        }

        var plane = new float[h, w];
        Buffer.BlockCopy(maps, channel * h * w * sizeof(float), plane, 0, h * w * sizeof(float));
        return plane;
    }

    private static GenericChart Panel(float[,] values, bool showScale, bool grey, ColorBar? colourBar = null)
    {
        var (h, w) = (values.GetLength(0), values.GetLength(1));
        if (h == 0 || w == 0)
        {
            throw new ArgumentException($"A heatmap needs at least one row and one column, but the map is {h}×{w}.", nameof(values));
        }

        var rows = Enumerable.Range(0, h).Select(r => Enumerable.Range(0, w).Select(c => values[r, c]).ToArray()).ToArray();
        var colourScale = grey ? StyleParam.Colorscale.Greys : StyleParam.Colorscale.Viridis;
        return colourBar is null
            ? Chart.Heatmap<float, int, int, string>(zData: rows, ShowScale: showScale, ColorScale: colourScale, ReverseYAxis: true)
            : Chart.Heatmap<float, int, int, string>(
                zData: rows, ShowScale: showScale, ColorBar: colourBar, ColorScale: colourScale, ReverseYAxis: true);
    }
}
