namespace ResNetNotebooks.Interop;

/// <summary>
/// A state dict does not fit the model: some names are missing, some are not the model's, or some tensors have
/// another shape. Thrown before any tensor is copied, so the model keeps all of its weights.
/// </summary>
public sealed class StateDictMismatchException : Exception
{
    /// <summary>Creates the exception; the message names every problem (up to a few per kind) and the fix.</summary>
    /// <param name="source">The file (or description) of the state dict, for the message.</param>
    /// <param name="target">The model, for the message, e.g. its config.</param>
    /// <param name="missing">PyTorch names the model needs that the state dict lacks, with the shape expected.</param>
    /// <param name="unexpected">PyTorch names in the state dict that the model does not have.</param>
    /// <param name="misShaped">PyTorch names whose tensor has another shape, with both shapes.</param>
    public StateDictMismatchException(string source, string target, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misShaped)
        : base(Describe(source, target, missing, unexpected, misShaped))
    {
        Missing = missing;
        Unexpected = unexpected;
        MisShaped = misShaped;
    }

    /// <summary>Names the model needs that the state dict lacks, e.g. <c>7.bias (10)</c>.</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>Names in the state dict that the model does not have.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Names whose tensors have another shape, e.g. <c>7.weight: file (10, 64), model (10, 32)</c>.</summary>
    public IReadOnlyList<string> MisShaped { get; }

    /// <summary>How many names of each kind the message lists before "and N more".</summary>
    private const int Listed = 6;

    private static string Describe(string source, string target, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected, IReadOnlyList<string> misShaped)
    {
        var parts = new List<string>();
        Add(parts, "missing", missing);
        Add(parts, "unexpected", unexpected);
        Add(parts, "mis-shaped", misShaped);
        return $"The state dict {source} does not fit {target}: {string.Join("; ", parts)}. Nothing was loaded. " +
               "Load a state dict saved with torch.save(net.state_dict()) from the same architecture and layout, or build the model it was saved from.";
    }

    private static void Add(List<string> parts, string kind, IReadOnlyList<string> names)
    {
        if (names.Count == 0)
        {
            return;
        }

        var more = names.Count > Listed ? $" and {names.Count - Listed} more" : "";
        parts.Add($"{names.Count} {kind}: {string.Join(", ", names.Take(Listed))}{more}");
    }
}
