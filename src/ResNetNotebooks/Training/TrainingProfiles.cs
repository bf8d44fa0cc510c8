namespace ResNetNotebooks.Training;

/// <summary>
/// The named starting points for a run. Every value can be overridden afterwards (<c>with { Epochs = 3 }</c>, or the
/// command line's <c>--epochs 3</c>).
/// </summary>
/// <remarks>
/// <list type="table">
/// <item><term>quick</term><description>the shipped subset (10,000 / 2,000 images) at 28×28, the tuned recipe,
/// 5 epochs: the notebooks' first-run and CI default, about 85 s on two cores.</description></item>
/// <item><term>cpu</term><description>the full dataset at 28×28, the tuned recipe, 10 epochs: the best a CPU does in
/// about a quarter of an hour.</description></item>
/// <item><term>d2l</term><description>d2l's <c>train_ch6</c> as the chapter runs it: full data resized to 96×96,
/// SGD at 0.05, 10 epochs (hours on a CPU, minutes on a GPU).</description></item>
/// </list>
/// </remarks>
public static class TrainingProfiles
{
    /// <summary>The shipped subset at 28×28, tuned recipe, 5 epochs.</summary>
    public static TrainingOptions Quick { get; } = new TrainingOptions
    {
        Profile = "quick", Data = TrainingData.Subset, ImageSize = 28, Epochs = 5, BatchSize = 256,
    }.WithRecipe(TrainingRecipe.Tuned);

    /// <summary>The full dataset at 28×28, tuned recipe, 10 epochs.</summary>
    public static TrainingOptions Cpu { get; } = new TrainingOptions
    {
        Profile = "cpu", Data = TrainingData.Full, ImageSize = 28, Epochs = 10, BatchSize = 256,
    }.WithRecipe(TrainingRecipe.Tuned);

    /// <summary>d2l's recipe as the chapter runs it: full data at 96×96, SGD 0.05, batch 256, 10 epochs.</summary>
    public static TrainingOptions D2l { get; } = new TrainingOptions
    {
        Profile = "d2l", Data = TrainingData.Full, ImageSize = 96, Epochs = 10, BatchSize = 256,
    }.WithRecipe(TrainingRecipe.D2l);

    /// <summary>The profile names, in order of cost.</summary>
    public static IReadOnlyList<string> Names { get; } = ["quick", "cpu", "d2l"];

    /// <summary>The profile called <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No profile has that name; the message lists them.</exception>
    public static TrainingOptions Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "quick" => Quick,
            "cpu" => Cpu,
            "d2l" => D2l,
            _ => throw new ArgumentException(
                $"There is no training profile \"{name}\"; use one of {string.Join(", ", Names)} " +
                "(quick: shipped subset, 5 epochs; cpu: full data at 28×28, 10 epochs; d2l: full data at 96×96, d2l's recipe).",
                nameof(name)),
        };
    }

    /// <summary>
    /// The test accuracy a run with <paramref name="options"/> should reach at least, when they are a profile's
    /// settings with nothing changed but the seed; null for other settings (no floor is known).
    /// </summary>
    /// <remarks>quick 0.85, cpu 0.92 (fp32 or bf16), d2l 0.90 (fp32 only); the runs they come from are in
    /// <c>docs/training-lab-notes.md</c>.</remarks>
    public static double? TestAccuracyFloor(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var asFp32 = options with { Seed = 0, Precision = Precision.Fp32 };
        return asFp32 == Quick ? 0.85
            : asFp32 == Cpu ? 0.92
            : options with { Seed = 0 } == D2l ? 0.90
            : null;
    }
}
