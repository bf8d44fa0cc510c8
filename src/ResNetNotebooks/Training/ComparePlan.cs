using System.Globalization;
using ResNetNotebooks.Models;

namespace ResNetNotebooks.Training;

/// <summary>
/// What a comparison trains: every network kind × depth × seed, one after the other, with the same settings
/// (<see cref="Options"/> with the run's seed). Stored as <c>compare.json</c> in the output folder
/// (<see cref="Comparison"/>), so that a comparison can be continued.
/// </summary>
/// <param name="Nets">"plain" and/or "resnet", in the order given.</param>
/// <param name="Depths">CIFAR depths 6n + 2, in the order given.</param>
/// <param name="Seeds">Seeds, in the order given.</param>
/// <param name="Options">The settings of every run; its <see cref="TrainingOptions.Seed"/> is unused (each run takes
/// its seed from <see cref="Seeds"/>).</param>
public sealed record ComparePlan(IReadOnlyList<string> Nets, IReadOnlyList<int> Depths, IReadOnlyList<int> Seeds, TrainingOptions Options)
{
    /// <summary>The deepest network accepted: the paper's ResNet-1202 (§4.2).</summary>
    public const int MaxDepth = 1202;

    /// <summary>The paper's CIFAR recipe (He et al. 2016, §4.2) at this project's scale: SGD with momentum 0.9, weight
    /// decay 1e-4, learning rate 0.1 held constant (the paper divides it by 10 at 32k and 48k iterations), batch 128
    /// with the smaller last batch dropped, He initialisation; the shipped subset for 10 epochs.</summary>
    public static TrainingOptions PaperRecipe => new()
    {
        Profile = "compare", Data = TrainingData.Subset, Epochs = 10, BatchSize = 128, LearningRate = 0.1, Momentum = 0.9, WeightDecay = 1e-4,
        Schedule = LearningRateSchedule.Constant, Init = WeightInit.He, DropLast = true, Seed = 0,
    };

    /// <summary>The runs in training order: by depth (as given), then network, then seed, so that each depth's plain
    /// and residual runs finish close together.</summary>
    public IEnumerable<CompareRun> Runs() =>
        from depth in Depths
        from net in Nets
        from seed in Seeds
        select new CompareRun(net, depth, seed, Options with { Seed = seed });

    /// <summary>Whether two plans train the same runs with the same settings.</summary>
    public bool SameAs(ComparePlan other) => !Differences(other, "", "").Any();

    /// <summary>What differs between this plan (<paramref name="thisName"/>) and <paramref name="other"/>, one item
    /// each, named by property as <see cref="TrainingOptions.Differences"/> does, e.g. <c>Depths: folder 20,56, given 20</c>.</summary>
    public IEnumerable<string> Differences(ComparePlan other, string thisName, string otherName)
    {
        ArgumentNullException.ThrowIfNull(other);
        static string L<T>(IEnumerable<T> values) => string.Join(',', values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture)));
        if (!Nets.SequenceEqual(other.Nets))
        {
            yield return $"{nameof(Nets)}: {thisName} {L(Nets)}, {otherName} {L(other.Nets)}";
        }

        if (!Depths.SequenceEqual(other.Depths))
        {
            yield return $"{nameof(Depths)}: {thisName} {L(Depths)}, {otherName} {L(other.Depths)}";
        }

        if (!Seeds.SequenceEqual(other.Seeds))
        {
            yield return $"{nameof(Seeds)}: {thisName} {L(Seeds)}, {otherName} {L(other.Seeds)}";
        }

        foreach (var d in Options.Differences(other.Options, thisName, otherName))
        {
            yield return d;
        }
    }

    /// <summary>What is wrong with a plan read from a file (a user can edit <c>compare.json</c>), in the file's property
    /// names; null when nothing is.</summary>
    public string? FindProblem()
    {
        if (Nets is not { Count: > 0 })
        {
            return "\"Nets\" is missing or empty; list plain, resnet or both, e.g. [\"plain\", \"resnet\"]";
        }

        foreach (var net in Nets)
        {
            if (net is not ("plain" or "resnet"))
            {
                return $"\"Nets\" holds {(net is null ? "null" : $"'{net}'")}; use \"plain\" and/or \"resnet\"";
            }
        }

        if (Nets.Distinct().Count() != Nets.Count)
        {
            return "\"Nets\" lists a network twice; give each once";
        }

        if (Depths is not { Count: > 0 })
        {
            return "\"Depths\" is missing or empty; give CIFAR depths 6n+2, e.g. [20, 56]";
        }

        if (Depths.Select(DepthProblem).FirstOrDefault(p => p is not null) is { } depthProblem)
        {
            return $"\"Depths\": {depthProblem}";
        }

        if (Depths.Distinct().Count() != Depths.Count)
        {
            return "\"Depths\" lists a depth twice; give each once";
        }

        if (Seeds is not { Count: > 0 })
        {
            return "\"Seeds\" is missing or empty; give seeds of at least 0, e.g. [1]";
        }

        if (Seeds.FirstOrDefault(s => s < 0) is var negative && negative < 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"\"Seeds\" holds {negative}; give seeds of at least 0, e.g. [1]");
        }

        if (Seeds.Distinct().Count() != Seeds.Count)
        {
            return "\"Seeds\" lists a seed twice; give each once";
        }

        if (Options is null)
        {
            return "\"Options\" is missing";
        }

        try
        {
            Options.Validate();
        }
        catch (ArgumentException e)
        {
            return $"\"Options\": {WithoutParameterName(e).TrimEnd('.')}";
        }

        return null;
    }

    /// <summary>Why <paramref name="depth"/> is not a CIFAR depth this project trains (6n + 2, at most
    /// <see cref="MaxDepth"/>), or null when it is one.</summary>
    public static string? DepthProblem(int depth)
    {
        if (depth > MaxDepth)
        {
            return $"depth {depth} is deeper than the paper's deepest CIFAR network ({MaxDepth}); give depths 6n+2 up to {MaxDepth}, e.g. 20,56.";
        }

        try
        {
            _ = ResNetConfig.CifarResNet(depth);
            return null;
        }
        catch (ArgumentException e)
        {
            return WithoutParameterName(e);
        }
    }

    /// <summary>The message of <paramref name="e"/> without the parameter name .NET appends to it.</summary>
    private static string WithoutParameterName(ArgumentException e)
    {
        var suffix = $" (Parameter '{e.ParamName}')";
        return e.ParamName is not null && e.Message.EndsWith(suffix, StringComparison.Ordinal) ? e.Message[..^suffix.Length] : e.Message;
    }
}

/// <summary>One run of a comparison.</summary>
/// <param name="Net">"plain" or "resnet".</param>
/// <param name="Depth">The CIFAR depth.</param>
/// <param name="Seed">The seed.</param>
/// <param name="Options">The run's settings (its seed included).</param>
public sealed record CompareRun(string Net, int Depth, int Seed, TrainingOptions Options)
{
    /// <summary>The network's configuration: <see cref="ResNetConfig.CifarPlain"/> or <see cref="ResNetConfig.CifarResNet"/>.</summary>
    public ResNetConfig Config => Net == "plain" ? ResNetConfig.CifarPlain(Depth) : ResNetConfig.CifarResNet(Depth);

    /// <summary>The run's sub-folder, e.g. <c>plain-56-seed1</c>.</summary>
    public string FolderName => CompareFolder.RunFolderName(Config.Name, Seed);
}
