using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Tests.Training;

/// <summary>
/// A generator of corrupt checkpoints: a valid one truncated at many offsets, with one bit flipped at many positions,
/// extended, and with odd values behind a valid checksum. Every case must end in <see cref="CheckpointException"/>
/// naming the file, before anything reaches the model: the trainer that tried them all still has its initial
/// weights and then loads the good checkpoint.
/// </summary>
[Collection(GlobalTorchState.Name)]
public sealed class CheckpointCorruptionTests : IDisposable
{
    /// <summary>Format 2's header: 8 magic bytes, the body length (int64), the body's SHA-256 (32 bytes).</summary>
    private const int Header = 8 + 8 + 32;

    private static readonly TrainingOptions Options = TinyRun.Options with { Epochs = 2 };
    private readonly TempFolder folder = new();
    private readonly TrainTestData data = TinyRun.Data();
    private readonly byte[] good;

    public CheckpointCorruptionTests()
    {
        using var trainer = new Trainer(Options with { Epochs = 1 }, TinyRun.Model, data.Train, data.Test);
        trainer.Fit();
        var path = folder.Combine("good.bin");
        trainer.SaveCheckpoint(path);
        // The same run as one of 2 epochs, so that a trainer with Options can continue it.
        good = Rewrite(File.ReadAllBytes(path), info => info["Options"]!["Epochs"] = 2);
    }

    public void Dispose()
    {
        data.Dispose();
        folder.Dispose();
    }

    public static IEnumerable<(string Case, Func<byte[], byte[]> Corrupt)> Cases(int length)
    {
        int[] offsets = [0, 1, 7, 8, 15, 16, 47, 48, 51, 52, 60, .. Spread(length, 24), length - 1];
        foreach (var offset in offsets.Distinct())
        {
            yield return ($"truncated to {offset} bytes", bytes => bytes[..offset]);
        }

        int[] positions = [.. Enumerable.Range(0, 80), .. Spread(length, 40), length - 1];
        foreach (var position in positions.Distinct())
        {
            yield return ($"bit {position % 8} of byte {position} flipped", bytes =>
            {
                var copy = bytes.ToArray();
                copy[position] ^= (byte)(1 << (position % 8));
                return copy;
            });
        }

        yield return ("one byte appended", bytes => [.. bytes, 0]);
        yield return ("body length negative", bytes => WithBodyLength(bytes, -5));
        yield return ("body length huge", bytes => WithBodyLength(bytes, long.MaxValue));
    }

    [Fact]
    public void Every_truncation_and_bit_flip_is_refused_as_a_corrupt_checkpoint_and_nothing_reaches_the_model()
    {
        using var trainer = new Trainer(Options, TinyRun.Model, data.Train, data.Test);
        var initial = TinyRun.State(trainer.Model);
        var cases = Cases(good.Length).ToList();
        var failures = new List<string>();

        foreach (var (name, corrupt) in cases)
        {
            var path = folder.Combine("case.bin");
            File.WriteAllBytes(path, corrupt(good));
            try
            {
                trainer.LoadCheckpoint(path);
                failures.Add($"{name}: loaded");
            }
            catch (CheckpointException e) when (e.FilePath == path && e.Message.StartsWith(path, StringComparison.Ordinal))
            {
            }
            catch (Exception e)
            {
                failures.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(cases.Count > 150, $"{cases.Count} cases");
        Assert.Empty(failures);
        Assert.Equal(initial, TinyRun.State(trainer.Model));
        Assert.Equal((0, 0), (trainer.CompletedEpochs, trainer.Steps));
        File.WriteAllBytes(folder.Combine("good-again.bin"), good);
        trainer.LoadCheckpoint(folder.Combine("good-again.bin"));
        Assert.Equal(1, trainer.CompletedEpochs);
    }

    [Theory]
    [InlineData("CompletedEpochs", 3, "it records 3 completed epochs of 2")]
    [InlineData("CompletedEpochs", -1, "it records -1 completed epochs of 2")]
    [InlineData("CompletedEpochs", 0, "it records 0 completed epochs but metrics for 1")]
    [InlineData("OptimizerSteps", -4, "it records -4 optimizer steps")]
    [InlineData("Parameters", 0, "it records 3 optimizer steps and 0 parameters")] // 96 images / batch 32 = 3 steps
    [InlineData("Epochs", 0, "its options are invalid (Training option Epochs = 0 is not valid")]
    public void Odd_values_behind_a_valid_checksum_are_refused(string field, int value, string expected)
    {
        var path = folder.Combine("odd.bin");
        File.WriteAllBytes(path, Rewrite(good, info =>
        {
            if (field == "Epochs")
            {
                info["Options"]!["Epochs"] = value;
            }
            else
            {
                info[field] = value;
            }
        }));
        using var trainer = new Trainer(Options, TinyRun.Model, data.Train, data.Test);

        var e = Assert.Throws<CheckpointException>(() => trainer.LoadCheckpoint(path));

        Assert.StartsWith($"{path} is a corrupt checkpoint: {expected}", e.Message);
    }

    [Fact]
    public void Tensors_cut_short_behind_a_valid_checksum_are_refused_and_the_model_is_put_back()
    {
        // A file crafted to pass the checksum: the description is intact, the tensors end half-way.
        var body = good[Header..];
        var jsonEnd = 4 + BinaryPrimitives.ReadInt32LittleEndian(body);
        var path = folder.Combine("cut.bin");
        File.WriteAllBytes(path, WithBody(good, body[..(jsonEnd + (body.Length - jsonEnd) / 2)]));
        using var trainer = new Trainer(Options, TinyRun.Model, data.Train, data.Test);
        var initial = TinyRun.State(trainer.Model);

        var e = Assert.Throws<CheckpointException>(() => trainer.LoadCheckpoint(path));

        Assert.StartsWith($"{path} is a corrupt checkpoint: its tensors cannot be loaded", e.Message);
        Assert.Equal(initial, TinyRun.State(trainer.Model));
        Assert.Equal(0, trainer.CompletedEpochs);
    }

    [Fact]
    public void A_checkpoint_of_the_old_format_is_refused_with_a_message_saying_so()
    {
        var path = folder.Combine("old.bin");
        File.WriteAllBytes(path, [.. "RNBCKPT1"u8, .. good[8..]]);

        var e = Assert.Throws<CheckpointException>(() => Checkpoint.ReadInfo(path));

        Assert.StartsWith($"{path} is a checkpoint of format 1 (RNBCKPT1, written before checkpoints carried a checksum)", e.Message);
    }

    [Fact]
    public void A_good_checkpoint_starts_with_the_format_2_magic_its_body_length_and_its_sha256()
    {
        Assert.Equal("RNBCKPT2"u8.ToArray(), good[..8]);
        Assert.Equal(good.Length - Header, BinaryPrimitives.ReadInt64LittleEndian(good.AsSpan(8)));
        Assert.Equal(SHA256.HashData(good.AsSpan(Header)), good[16..Header]);
    }

    private static IEnumerable<int> Spread(int length, int count) =>
        Enumerable.Range(1, count).Select(i => (int)((long)length * i / (count + 1)));

    private static byte[] WithBodyLength(byte[] bytes, long length)
    {
        var copy = bytes.ToArray();
        BinaryPrimitives.WriteInt64LittleEndian(copy.AsSpan(8), length);
        return copy;
    }

    /// <summary>The checkpoint with another body and the header's length and SHA-256 recomputed for it.</summary>
    private static byte[] WithBody(byte[] bytes, byte[] body)
    {
        var header = new byte[Header];
        bytes.AsSpan(0, 8).CopyTo(header);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), body.Length);
        SHA256.HashData(body).CopyTo(header.AsSpan(16));
        return [.. header, .. body];
    }

    /// <summary>The checkpoint with its JSON description changed by <paramref name="edit"/>, checksum recomputed.</summary>
    private static byte[] Rewrite(byte[] bytes, Action<JsonNode> edit)
    {
        var body = bytes[Header..];
        var length = BinaryPrimitives.ReadInt32LittleEndian(body);
        var info = JsonNode.Parse(body.AsSpan(4, length))!;
        edit(info);
        var json = Encoding.UTF8.GetBytes(info.ToJsonString());
        var prefix = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, json.Length);
        return WithBody(bytes, [.. prefix, .. json, .. body[(4 + length)..]]);
    }
}
