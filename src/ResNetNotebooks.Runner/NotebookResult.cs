using System.Text.Json;
using System.Text.Json.Serialization;

namespace ResNetNotebooks.Runner;

/// <summary>How a notebook run ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NotebookStatus>))]
public enum NotebookStatus
{
    /// <summary>Every code cell ran without an error.</summary>
    Passed,
    /// <summary>A cell failed (an exception, a compile error or a failed expectation); the run stopped there.</summary>
    Failed,
    /// <summary>A cell ran longer than the per-cell timeout; the run stopped there.</summary>
    TimedOut,
    /// <summary>The notebook could not be run at all (not found, bad parameters, the runner crashed).</summary>
    Error,
}

/// <summary>The outcome of one notebook run, as the runner reports it and writes it to JSON.</summary>
public sealed record NotebookResult
{
    /// <summary>The notebook's file name.</summary>
    public required string Notebook { get; init; }

    /// <summary>How the run ended.</summary>
    public required NotebookStatus Status { get; init; }

    /// <summary>The failing or hung cell's number, counting every cell from 1 as the notebook shows them.</summary>
    public int? Cell { get; init; }

    /// <summary>The first non-blank line of that cell's source.</summary>
    public string? CellFirstLine { get; init; }

    /// <summary>The error, for a failed run.</summary>
    public string? Error { get; init; }

    /// <summary>The executed copy with outputs, when one was written.</summary>
    public string? OutputPath { get; init; }

    /// <summary>The wall time of the run, in seconds.</summary>
    public double Seconds { get; init; }

    /// <summary>Per code cell: (cell number, seconds).</summary>
    public IReadOnlyList<CellTiming> CellTimings { get; init; } = [];

    /// <summary>One line a teacher can act on: what broke, where.</summary>
    public string Describe() => Status switch
    {
        NotebookStatus.Passed => $"PASS {Notebook} ({Seconds:0.0} s)",
        NotebookStatus.TimedOut => $"FAIL {Notebook}: cell {Cell} (`{CellFirstLine}`) timed out: {Error}",
        NotebookStatus.Failed => $"FAIL {Notebook}: cell {Cell} (`{CellFirstLine}`) failed: {Error}",
        _ => $"FAIL {Notebook}: {Error}",
    };

    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
}

/// <summary>How long one code cell took.</summary>
/// <param name="Cell">The cell number (from 1, all cells counted).</param>
/// <param name="Seconds">Its wall time.</param>
public sealed record CellTiming(int Cell, double Seconds);
