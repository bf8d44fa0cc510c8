using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using ResNetNotebooks.Native;

namespace ResNetNotebooks.Training;

/// <summary>What a checkpoint holds besides the tensors.</summary>
/// <param name="Options">The run's settings.</param>
/// <param name="CompletedEpochs">Epochs trained when the checkpoint was written.</param>
/// <param name="OptimizerSteps">Optimizer (and scheduler) steps taken.</param>
/// <param name="History">The metrics of the completed epochs.</param>
/// <param name="ModelType">The model's class name, e.g. <c>ResNet</c>.</param>
/// <param name="Parameters">The model's parameter count.</param>
public sealed record CheckpointInfo(
    TrainingOptions Options,
    int CompletedEpochs,
    int OptimizerSteps,
    IReadOnlyList<EpochMetrics> History,
    string ModelType,
    long Parameters);

/// <summary>
/// The checkpoint file: one file, so that it is replaced in one atomic rename (<see cref="AtomicFile"/>) and a crash
/// never leaves weights from one epoch beside an optimizer state from another. Layout: the 8 ASCII bytes
/// <c>RNBCKPT1</c>, the length (int32) and UTF-8 JSON of a <see cref="CheckpointInfo"/>, the model's state
/// (TorchSharp's <c>Module.save</c> format: parameters and buffers such as batch-norm statistics), then the
/// optimizer's state (TorchSharp's <c>save_state_dict</c>: learning rate, hyper-parameters and SGD momentum buffers).
/// </summary>
public static class Checkpoint
{
    /// <summary>The checkpoint's file name in a run folder.</summary>
    public const string FileName = "checkpoint.bin";

    /// <summary>The checkpoint's path in the run folder <paramref name="folder"/>.</summary>
    public static string PathIn(string folder) => Path.Combine(folder, FileName);

    private static readonly byte[] Magic = "RNBCKPT1"u8.ToArray();

    /// <summary>How the JSON part is written: readable enum names.</summary>
    internal static JsonSerializerOptions Json { get; } = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Reads only the <see cref="CheckpointInfo"/> of the checkpoint at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint.</exception>
    public static CheckpointInfo ReadInfo(string path) => Read(path, (_, _) => { });

    /// <summary>
    /// Checks that the checkpoint at <paramref name="path"/> (described by <paramref name="info"/>) can be continued
    /// by a run with <paramref name="options"/> training <paramref name="model"/>: the same settings, the same model
    /// class and parameter count.
    /// </summary>
    /// <param name="path">The checkpoint's path, for the message.</param>
    /// <param name="info">What the checkpoint holds.</param>
    /// <param name="options">The settings of the run that wants to continue it.</param>
    /// <param name="model">The model that would receive its weights.</param>
    /// <exception cref="InvalidDataException">Settings or model differ; the message names every difference and the fix.</exception>
    public static void EnsureMatches(string path, CheckpointInfo info, TrainingOptions options, nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        if (info.Options != options)
        {
            throw new InvalidDataException(
                $"The checkpoint {path} was written by a run with other settings, so it cannot be continued with these. " +
                $"Differences: {string.Join("; ", info.Options.Differences(options, "checkpoint", "asked"))}. " +
                "Resume with the checkpoint's settings, or start a new run in another folder.");
        }

        var parameters = model.parameters().Sum(p => p.numel());
        if (info.ModelType != model.GetType().Name || info.Parameters != parameters)
        {
            throw new InvalidDataException(
                $"The checkpoint {path} holds a {info.ModelType} with {info.Parameters:N0} parameters, but this trainer's model is a " +
                $"{model.GetType().Name} with {parameters:N0}; build the same model to resume.");
        }
    }

    /// <summary>
    /// Loads only the model's weights and batch-norm statistics from the checkpoint at <paramref name="path"/> into
    /// <paramref name="model"/> (e.g. to export them); the optimizer's state is not read.
    /// </summary>
    /// <param name="path">A checkpoint written by the trainer or the CLI.</param>
    /// <param name="model">A model of the class and size the checkpoint was trained with.</param>
    /// <returns>What the checkpoint holds besides the tensors.</returns>
    /// <exception cref="InvalidDataException">The file is not a checkpoint, or holds another model (the message names
    /// both models).</exception>
    public static CheckpointInfo LoadWeights(string path, nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Read(path, (info, reader) =>
        {
            var parameters = model.parameters().Sum(p => p.numel());
            if (info.ModelType != model.GetType().Name || info.Parameters != parameters)
            {
                throw new InvalidDataException(
                    $"The checkpoint {path} holds a {info.ModelType} with {info.Parameters:N0} parameters, but the model given is a " +
                    $"{model.GetType().Name} with {parameters:N0}; build the model the checkpoint was trained with.");
            }

            model.load(reader);
        });
    }

    internal static void Write(string path, CheckpointInfo info, nn.Module model, SGD optimizer)
    {
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(info, Json));
        AtomicFile.Write(path, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            writer.Write(Magic);
            writer.Write(json.Length);
            writer.Write(json);
            model.save(writer);
            optimizer.save_state_dict(writer);
            writer.Flush();
        });
    }

    internal static CheckpointInfo Read(string path, Action<CheckpointInfo, BinaryReader> readTensors)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        CheckpointInfo info;
        try
        {
            if (!reader.ReadBytes(Magic.Length).SequenceEqual(Magic))
            {
                throw new InvalidDataException($"{path} is not a training checkpoint (it does not start with {Encoding.ASCII.GetString(Magic)}).");
            }

            var length = reader.ReadInt32();
            info = JsonSerializer.Deserialize<CheckpointInfo>(reader.ReadBytes(length), Json)
                   ?? throw new InvalidDataException($"{path}: the checkpoint's description is empty.");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException)
        {
            throw new InvalidDataException($"{path} is truncated or corrupt ({e.Message}); delete it and train again.", e);
        }

        readTensors(info, reader);
        return info;
    }
}
