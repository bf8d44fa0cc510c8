using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Training;

/// <summary>The recorded curves of one training run of a plain-versus-residual comparison.</summary>
/// <param name="Name">The network's name, e.g. "plain-56" or "ResNet-20" (<c>ResNetConfig.Name</c>).</param>
/// <param name="Plain">Whether the network has no shortcuts (a plain network).</param>
/// <param name="Depth">Weighted layers, e.g. 56.</param>
/// <param name="Seed">The run's seed.</param>
/// <param name="Steps">One row per optimizer step (<see cref="StepsFile"/>).</param>
/// <param name="Epochs">One row per epoch (<see cref="MetricsFile"/>).</param>
public sealed record RunCurves(string Name, bool Plain, int Depth, int Seed, IReadOnlyList<StepRow> Steps, IReadOnlyList<MetricsRow> Epochs);

/// <summary>
/// The output folder of <c>resnet-cli compare</c>: one sub-folder per network and seed, named
/// <c>&lt;name&gt;-seed&lt;k&gt;</c> (e.g. <c>plain-56-seed1</c>, <c>ResNet-20-seed2</c>), each holding
/// <c>metrics.csv</c>, <c>steps.csv</c>, the checkpoint and <c>run.json</c>.
/// </summary>
/// <example>
/// <code>
/// var runs = CompareFolder.Read("runs/compare");          // every run found, e.g. plain-20, plain-56, ResNet-20, ResNet-56
/// DepthComparisonChart.Loss(runs, smoothing: 10)
/// </code>
/// </example>
public static partial class CompareFolder
{
    /// <summary>The sub-folder of the run of network <paramref name="name"/> with seed <paramref name="seed"/>, e.g.
    /// <c>plain-56-seed1</c>.</summary>
    public static string RunFolderName(string name, int seed) => string.Create(CultureInfo.InvariantCulture, $"{name}-seed{seed}");

    /// <summary>Whether <paramref name="folderName"/> is the name of a run folder, e.g. <c>plain-56-seed1</c>.</summary>
    public static bool IsRunFolderName(string folderName) => RunFolderPattern().IsMatch(folderName);

    /// <summary>Reads every run in <paramref name="folder"/>: each sub-folder named like <see cref="RunFolderName"/>
    /// that holds a <c>metrics.csv</c> (a run not trained for one epoch yet has none and is left out); a missing
    /// <c>steps.csv</c> gives no steps. Ordered plain before residual, then by depth, then by seed.</summary>
    /// <param name="folder">A compare output folder, e.g. <c>runs/compare</c>.</param>
    /// <returns>The runs found (none when the folder holds none).</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">A metrics or steps file is damaged; the message names it.</exception>
    public static IReadOnlyList<RunCurves> Read(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException(
                $"The compare folder {Path.GetFullPath(folder)} does not exist; run 'resnet-cli compare --out {folder}' first, or give the folder it wrote.");
        }

        var runs = new List<RunCurves>();
        foreach (var sub in Directory.GetDirectories(folder))
        {
            if (ReadRun(sub) is { } run)
            {
                runs.Add(run);
            }
        }

        return runs.OrderBy(r => r.Plain ? 0 : 1).ThenBy(r => r.Depth).ThenBy(r => r.Name, StringComparer.Ordinal).ThenBy(r => r.Seed).ToList();
    }

    /// <summary>Reads the run in <paramref name="runFolder"/>, or null when the folder's name is not of the form
    /// <c>&lt;name&gt;-seed&lt;k&gt;</c> or it holds no <c>metrics.csv</c> yet.</summary>
    /// <exception cref="InvalidDataException">A metrics or steps file is damaged; the message names it.</exception>
    public static RunCurves? ReadRun(string runFolder)
    {
        ArgumentNullException.ThrowIfNull(runFolder);
        var match = RunFolderPattern().Match(Path.GetFileName(Path.TrimEndingDirectorySeparator(runFolder)));
        var metricsPath = Path.Combine(runFolder, MetricsFile.FileName);
        if (!match.Success || !File.Exists(metricsPath))
        {
            return null;
        }

        var name = match.Groups["name"].Value;
        var stepsPath = Path.Combine(runFolder, StepsFile.FileName);
        return new RunCurves(
            name,
            Plain: match.Groups["kind"].Value == "plain",
            Depth: int.Parse(match.Groups["depth"].Value, CultureInfo.InvariantCulture),
            Seed: int.Parse(match.Groups["seed"].Value, CultureInfo.InvariantCulture),
            Steps: File.Exists(stepsPath) ? StepsFile.Read(stepsPath) : [],
            Epochs: MetricsFile.Read(metricsPath));
    }

    /// <summary>The charts' file name in a compare folder (written by <c>resnet-cli compare</c>).</summary>
    public const string ChartFileName = "comparison.html";

    /// <summary>The summary's file name in a compare folder.</summary>
    public const string SummaryFileName = "summary.csv";

    /// <summary>The summary's header: errors are fractions (1 − accuracy) of the last epoch.</summary>
    public const string SummaryHeader = "network,depth,seed,epochs,final_train_loss,final_train_error,final_test_error";

    /// <summary>Writes <c>summary.csv</c> into <paramref name="folder"/>: one row per run with at least one epoch, in the
    /// order given, its network ("plain" or "resnet"), depth, seed, epochs and last epoch's loss and errors.</summary>
    public static void WriteSummary(string folder, IEnumerable<RunCurves> runs) =>
        CsvTable.Write(Path.Combine(folder, SummaryFileName), SummaryHeader, runs.Where(r => r.Epochs.Count > 0), r =>
            $"{(r.Plain ? "plain" : "resnet")},{r.Depth},{r.Seed},{r.Epochs.Count},{r.Epochs[^1].TrainLoss:F6},{1 - r.Epochs[^1].TrainAccuracy:F6},{1 - r.Epochs[^1].TestAccuracy:F6}");

    /// <summary>The file in a run folder that says which network it trains (a plain network and a ResNet of one depth
    /// have the same parameters, so the checkpoint alone cannot tell them apart).</summary>
    public const string RunFileName = "run.json";

    /// <summary>How a compare folder's JSON files (<c>run.json</c>, <c>compare.json</c>) are written: indented, enums by name.</summary>
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>Writes <c>run.json</c> into <paramref name="runFolder"/>: the network's name (e.g. "plain-20"), whether it
    /// is plain, its depth, the seed and the settings.</summary>
    public static void WriteRunFile(string runFolder, string network, bool plain, int depth, int seed, TrainingOptions options) =>
        AtomicFile.WriteAllText(Path.Combine(runFolder, RunFileName),
            JsonSerializer.Serialize(new RunFile(network, plain, depth, seed, options), Json) + "\n");

    /// <summary>Checks that <c>run.json</c> in <paramref name="runFolder"/> names <paramref name="network"/> and
    /// <paramref name="seed"/>.</summary>
    /// <exception cref="RunFolderException">It is missing, unreadable, a special file or describes another run.</exception>
    public static void CheckRunFile(string runFolder, string network, int seed)
    {
        var runPath = Path.Combine(runFolder, RunFileName);
        RunFolder.RefuseSpecialFile(runPath);
        if (!File.Exists(runPath))
        {
            throw new RunFolderException(RunFolderProblem.Undescribed, runPath,
                $"{runPath} is missing, so the checkpoint beside it cannot be told apart from another network's");
        }

        RunFile? stored;
        try
        {
            stored = JsonSerializer.Deserialize<RunFile>(File.ReadAllText(runPath), Json);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or IOException)
        {
            throw new RunFolderException(RunFolderProblem.Undescribed, runPath,
                $"{runPath} cannot be read ({e.Message.TrimEnd('.')}), so the checkpoint beside it cannot be told apart from another network's", inner: e);
        }

        if (stored is null || stored.Network != network || stored.Seed != seed)
        {
            throw new RunFolderException(RunFolderProblem.Undescribed, runPath,
                $"{runPath} describes {stored?.Network ?? "nothing"} with seed {stored?.Seed.ToString(CultureInfo.InvariantCulture) ?? "?"}, but this folder is for {network} with seed {seed}");
        }
    }

    /// <summary>The contents of <c>run.json</c>.</summary>
    private sealed record RunFile(string Network, bool Plain, int Depth, int Seed, TrainingOptions Options);

    [GeneratedRegex(@"^(?<name>(?<kind>plain|ResNet)-(?<depth>[0-9]{1,4}))-seed(?<seed>-?[0-9]{1,10})$", RegexOptions.CultureInvariant)]
    private static partial Regex RunFolderPattern();
}
