using System.Buffers.Binary;
using System.Security.Cryptography;
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
/// never leaves weights from one epoch beside an optimizer state from another. Layout (format 2): the 8 ASCII bytes
/// <c>RNBCKPT2</c>; the length of the body (int64) and its SHA-256 (32 bytes); then the body: the length (int32) and
/// UTF-8 JSON of a <see cref="CheckpointInfo"/>, the model's state (TorchSharp's <c>Module.save</c> format:
/// parameters and buffers such as batch-norm statistics), then the optimizer's state (TorchSharp's
/// <c>save_state_dict</c>: learning rate, hyper-parameters and SGD momentum buffers).
/// </summary>
/// <remarks>
/// Reading checks the length and the checksum of the whole body, then the description's values, before anything is
/// loaded into a model: a truncated, extended or bit-flipped file, or one with impossible values, is refused with a
/// <see cref="CheckpointException"/> naming the file and the problem; a model is never half-loaded from it.
/// Format 1 (<c>RNBCKPT1</c>, without a checksum) is refused with a message saying so.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The checkpoint's file name in a run folder.</summary>
    public const string FileName = "checkpoint.bin";

    /// <summary>The first 8 bytes of a checkpoint in the current format.</summary>
    public const string MagicText = "RNBCKPT2";

    /// <summary>The checkpoint's path in the run folder <paramref name="folder"/>.</summary>
    public static string PathIn(string folder) => Path.Combine(folder, FileName);

    private static readonly byte[] Magic = Encoding.ASCII.GetBytes(MagicText);
    private static readonly byte[] OldMagic = "RNBCKPT1"u8.ToArray();

    /// <summary>Bytes before the body: magic, body length, SHA-256.</summary>
    internal const int HeaderLength = 8 + sizeof(long) + 32;

    /// <summary>How the JSON part is written: readable enum names.</summary>
    internal static JsonSerializerOptions Json { get; } = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Whether the regular file at <paramref name="path"/> starts like a training checkpoint of any format
    /// (<c>RNBCKPT</c>), whatever its name; false when it does not exist, cannot be read or is not a regular file.</summary>
    public static bool LooksLikeCheckpoint(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!FileKind.IsRegularFile(path))
        {
            return false;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var start = new byte[Magic.Length - 1];
            return stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && start.AsSpan().SequenceEqual(Magic.AsSpan(0, start.Length));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Reads only the <see cref="CheckpointInfo"/> of the checkpoint at <paramref name="path"/> (after the
    /// same checks as a full load).</summary>
    /// <exception cref="CheckpointException">The file is not a checkpoint of this format, or it is corrupt.</exception>
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
    /// <exception cref="CheckpointException">Settings or model differ; the message names every difference and the fix.</exception>
    public static void EnsureMatches(string path, CheckpointInfo info, TrainingOptions options, nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        if (info.Options != options)
        {
            throw new CheckpointException(path,
                $"The checkpoint {path} was written by a run with other settings, so it cannot be continued with these " +
                $"({string.Join("; ", info.Options.Differences(options, "checkpoint", "asked"))})",
                "resume with the checkpoint's settings, or start a new run in another folder");
        }

        var parameters = model.parameters().Sum(p => p.numel());
        if (info.ModelType != model.GetType().Name || info.Parameters != parameters)
        {
            throw new CheckpointException(path,
                $"The checkpoint {path} holds a {info.ModelType} with {info.Parameters:N0} parameters, but this trainer's model is a " +
                $"{model.GetType().Name} with {parameters:N0}",
                "build the same model to resume");
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
            // The body is streamed through SHA-256 (never held in memory), then the header's length and checksum are filled in.
            stream.Write(Magic);
            stream.Write(new byte[HeaderLength - Magic.Length]);
            using var sha256 = SHA256.Create();
            using (var hashing = new CryptoStream(stream, sha256, CryptoStreamMode.Write, leaveOpen: true))
            using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(json.Length);
                writer.Write(json);
                model.save(writer);
                optimizer.save_state_dict(writer);
                writer.Flush();
                hashing.FlushFinalBlock();
            }

            Span<byte> lengthAndHash = stackalloc byte[HeaderLength - Magic.Length];
            BinaryPrimitives.WriteInt64LittleEndian(lengthAndHash, stream.Position - HeaderLength);
            sha256.Hash!.CopyTo(lengthAndHash[sizeof(long)..]);
            stream.Seek(Magic.Length, SeekOrigin.Begin);
            stream.Write(lengthAndHash);
            stream.Seek(0, SeekOrigin.End);
        });
    }

    /// <summary>Reads and verifies the checkpoint at <paramref name="path"/>, then lets <paramref name="readTensors"/>
    /// read the tensors from the verified bytes (the same open file, read again after the checksum matched).</summary>
    /// <exception cref="CheckpointException">Missing, unreadable, of another format, corrupt, or with impossible
    /// values; also when <paramref name="readTensors"/> fails on the verified bytes.</exception>
    internal static CheckpointInfo Read(string path, Action<CheckpointInfo, BinaryReader> readTensors)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (FileKind.NonRegular(path) is { } kind)
        {
            // Opening a FIFO for reading would wait for a writer forever.
            throw new CheckpointException(path, $"{path} is {kind}, not a checkpoint file", "give the checkpoint.bin of a run folder, or remove it and train again");
        }

        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointException(path, $"{path} cannot be read: {e.Message.TrimEnd('.')}", inner: e);
        }

        using (stream)
        {
            var bodyLength = VerifyBody(path, stream);
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            CheckpointInfo info;
            try
            {
                var length = reader.ReadInt32();
                if (length <= 0 || length > bodyLength - sizeof(int))
                {
                    throw Corrupt(path, $"the description's length is {length:N0}, but the body holds {bodyLength:N0} bytes");
                }

                info = JsonSerializer.Deserialize<CheckpointInfo>(reader.ReadBytes(length), Json)
                       ?? throw Corrupt(path, "the description is empty");
            }
            catch (Exception e) when (e is EndOfStreamException or JsonException or NotSupportedException or ArgumentException)
            {
                throw Corrupt(path, $"the description cannot be read ({e.Message})", e);
            }

            CheckValues(path, info);
            try
            {
                readTensors(info, reader);
            }
            catch (Exception e) when (e is not CheckpointException and not InvalidDataException and not OperationCanceledException)
            {
                throw Corrupt(path, $"its tensors cannot be loaded ({e.GetType().Name}: {e.Message})", e);
            }

            return info;
        }
    }

    /// <summary>Checks the magic, the body's length and its SHA-256 (read in chunks), and leaves
    /// <paramref name="stream"/> at the start of the body.</summary>
    /// <returns>The body's length.</returns>
    private static long VerifyBody(string path, FileStream stream)
    {
        try
        {
            var fileLength = stream.Length;
            var header = new byte[HeaderLength];
            var read = stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
            var magic = header.AsSpan(0, Math.Min(read, Magic.Length));
            if (magic.SequenceEqual(OldMagic))
            {
                throw new CheckpointException(path,
                    $"{path} is a checkpoint of format 1 (RNBCKPT1, written before checkpoints carried a checksum), which this version no longer reads",
                    "delete it and train again (resnet-cli train --overwrite)");
            }

            if (!magic.SequenceEqual(Magic))
            {
                throw new CheckpointException(path, $"{path} is not a training checkpoint (it does not start with {MagicText})",
                    "give the checkpoint.bin of a run folder, or delete it and train again (resnet-cli train --overwrite)");
            }

            if (read < HeaderLength)
            {
                throw Corrupt(path, $"it is {fileLength} bytes long, shorter than the {HeaderLength}-byte header");
            }

            var bodyLength = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(Magic.Length));
            var expectedHash = header.AsSpan(Magic.Length + sizeof(long), 32).ToArray();
            if (bodyLength != fileLength - HeaderLength)
            {
                throw Corrupt(path, bodyLength < 0 || bodyLength > fileLength - HeaderLength
                    ? $"the header gives a body of {bodyLength:N0} bytes, but the file holds {fileLength - HeaderLength:N0} after the header (truncated or corrupt)"
                    : $"the header gives a body of {bodyLength:N0} bytes, but the file holds {fileLength - HeaderLength:N0} after the header (extra bytes)");
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[1 << 16];
            long hashed = 0;
            int n;
            while (hashed < bodyLength && (n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, bodyLength - hashed))) > 0)
            {
                hash.AppendData(buffer, 0, n);
                hashed += n;
            }

            if (hashed != bodyLength)
            {
                throw Corrupt(path, $"the file ended after {HeaderLength + hashed:N0} of {fileLength:N0} bytes while it was read");
            }

            var actualHash = hash.GetHashAndReset();
            if (!actualHash.AsSpan().SequenceEqual(expectedHash))
            {
                throw Corrupt(path, $"the SHA-256 of its body is {Convert.ToHexStringLower(actualHash)}, but the header records {Convert.ToHexStringLower(expectedHash)}");
            }

            stream.Seek(HeaderLength, SeekOrigin.Begin);
            return bodyLength;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not CheckpointException)
        {
            throw new CheckpointException(path, $"{path} cannot be read: {e.Message.TrimEnd('.')}", inner: e);
        }
    }

    /// <summary>Refuses descriptions whose values no run writes: a checksum protects against damage, not against a
    /// file made by hand or by a buggy writer.</summary>
    private static void CheckValues(string path, CheckpointInfo info)
    {
        if (info.Options is null || info.History is null || string.IsNullOrEmpty(info.ModelType))
        {
            throw Corrupt(path, "its description lacks the options, the history or the model type");
        }

        try
        {
            info.Options.Validate();
        }
        catch (ArgumentException e)
        {
            throw Corrupt(path, $"its options are invalid ({e.Message})", e);
        }

        if (info.CompletedEpochs < 0 || info.CompletedEpochs > info.Options.Epochs)
        {
            throw Corrupt(path, $"it records {info.CompletedEpochs} completed epochs of {info.Options.Epochs}; the count must be between 0 and {info.Options.Epochs}");
        }

        if (info.History.Count != info.CompletedEpochs)
        {
            throw Corrupt(path, $"it records {info.CompletedEpochs} completed epochs but metrics for {info.History.Count}");
        }

        if (info.OptimizerSteps < 0 || info.Parameters <= 0)
        {
            throw Corrupt(path, $"it records {info.OptimizerSteps} optimizer steps and {info.Parameters} parameters; neither can be negative and a model has parameters");
        }

        for (var i = 0; i < info.History.Count; i++)
        {
            if (info.History[i] is not { } m || m.Epoch != i + 1 || !double.IsFinite(m.TrainLoss))
            {
                throw Corrupt(path, $"its metrics row {i + 1} is not the finite metrics of epoch {i + 1}");
            }
        }
    }

    private static CheckpointException Corrupt(string path, string problem, Exception? inner = null) =>
        new(path, $"{path} is a corrupt checkpoint: {problem}", "delete it and train again (resnet-cli train --overwrite), or resume from a good copy", inner);
}

/// <summary>A checkpoint file cannot be used: missing, unreadable, of another format, corrupt, or written by a run
/// with other settings. The message names the file, the problem and the fix; <see cref="Facts"/> is the problem alone,
/// for a program that gives its own fix.</summary>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the exception for the checkpoint at <paramref name="filePath"/>.</summary>
    /// <param name="filePath">The checkpoint's path.</param>
    /// <param name="facts">What was found, naming the file, without a fix.</param>
    /// <param name="fix">What to do, for a library caller, or null when the facts say it.</param>
    /// <param name="inner">The underlying exception, if any.</param>
    public CheckpointException(string filePath, string facts, string? fix = null, Exception? inner = null)
        : base(fix is null ? $"{facts}." : $"{facts}; {fix}.", inner)
    {
        FilePath = filePath;
        Facts = facts;
    }

    /// <summary>What was found, without a fix, e.g. "… is a corrupt checkpoint: its body's SHA-256 …".</summary>
    public string Facts { get; }

    /// <summary>The checkpoint's path.</summary>
    public string FilePath { get; }
}
