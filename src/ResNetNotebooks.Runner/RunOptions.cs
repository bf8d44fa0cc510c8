namespace ResNetNotebooks.Runner;

/// <summary>How to run notebooks.</summary>
public sealed record RunOptions
{
    /// <summary>The default per-cell timeout: generous for the full profile's training cells.</summary>
    public static readonly TimeSpan DefaultCellTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The parameter profile: <c>full</c> (the notebook's own defaults) or one the notebook defines, e.g. <c>quick</c>.</summary>
    public string Profile { get; init; } = NotebookParameters.FullProfile;

    /// <summary>Explicit parameter overrides (<c>--param name=value</c>), applied after the profile's.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>How long one cell may run before the run is stopped and the cell reported as hung.</summary>
    public TimeSpan CellTimeout { get; init; } = DefaultCellTimeout;

    /// <summary>The folder the executed copies are written to (default: artifacts/notebooks/&lt;profile&gt;).</summary>
    public string? OutputFolder { get; init; }
}
