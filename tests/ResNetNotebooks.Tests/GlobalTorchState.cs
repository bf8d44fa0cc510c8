namespace ResNetNotebooks.Tests;

/// <summary>
/// Tests that set torch's process-wide state (the global seed, the thread count) run alone: a test running in
/// parallel would draw from the same global generator between a seed and the draw it is meant to fix.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalTorchState
{
    /// <summary>The collection's name.</summary>
    public const string Name = "torch global state";
}
