namespace ResNetNotebooks.Runner;

/// <summary>How to run notebooks.</summary>
public sealed record RunOptions
{
    /// <summary>The default per-cell timeout: generous for a long training cell.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromMinutes(30);

    /// <summary>
    /// How long the kernel may take to start (its warm-up, before the first cell) when that is longer than the cell
    /// timeout: starting is not a cell's work, and on a busy machine it alone can take more than a short cell timeout.
    /// </summary>
    public static readonly TimeSpan KernelStartTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The shortest per-cell timeout the command line accepts: 1 ms, the resolution of the timer that enforces it.</summary>
    public static readonly TimeSpan MinCellTimeout = TimeSpan.FromMilliseconds(1);

    /// <summary>The longest per-cell timeout the command line accepts.</summary>
    public static readonly TimeSpan MaxCellTimeout = TimeSpan.FromDays(7);

    /// <summary>
    /// The preset: a set of parameter overrides a notebook defines in its metadata (<c>resnet.presets.&lt;name&gt;</c>),
    /// e.g. <c>ci</c>; null runs the notebook's own defaults.
    /// </summary>
    public string? Preset { get; init; }

    /// <summary>Explicit parameter overrides (<c>--param name=value</c>), applied after the preset's.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>How long one cell may run before the run is stopped and the cell reported as hung.</summary>
    public TimeSpan CellTimeout { get; init; } = DefaultCellTimeout;
}
