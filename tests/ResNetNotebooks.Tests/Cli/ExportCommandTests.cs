using ResNetNotebooks.Cli;
using ResNetNotebooks.Interop;
using ResNetNotebooks.Models;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Tests.Training;
using ResNetNotebooks.Training;
using static TorchSharp.torch;

namespace ResNetNotebooks.Tests.Cli;

[Collection(GlobalTorchState.Name)]
public class ExportCommandTests
{
    /// <summary>A tiny run on the shipped subset: 64 training images in 2 batches, 32 test images, 1 epoch.</summary>
    private static readonly string[] Tiny = ["--train-images", "64", "--test-images", "32", "--batch-size", "32", "--epochs", "1"];

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr, TinyRun.Model);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Export_writes_the_trained_weights_under_d2ls_names()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Run(["train", .. Tiny, "--out", folder.Path]).Code);
        var checkpoint = folder.Combine(Checkpoint.FileName);

        var (code, output, error) = Run(["export", "--checkpoint", checkpoint, "--to", folder.Combine("model.pt")]);

        Assert.True(code == 0, error);
        Assert.Contains("in the d2l layout", output);
        Assert.Contains("strict=True", output);
        using var scope = NewDisposeScope();
        var file = PyTorchWeights.ReadTensors(folder.Combine("model.pt"));
        using var trained = (ResNet)TinyRun.Model();
        Checkpoint.LoadWeights(checkpoint, trained);
        // TinyRun's net is nn.Sequential(b1, b2, AdaptiveAvgPool2d, Flatten, Linear) in d2l: the Linear is module 4.
        Assert.True(file["4.weight"].eq(trained.state_dict()["fc.weight"]).all().item<bool>());
        Assert.True(file["0.1.running_var"].eq(trained.state_dict()["b1.1.running_var"]).all().item<bool>());
        Assert.Equal(trained.state_dict().Count, file.Count);
    }

    [Fact]
    public void Export_of_a_missing_checkpoint_fails_with_code_1_naming_the_path()
    {
        using var folder = new TempFolder();

        var (code, _, error) = Run(["export", "--checkpoint", folder.Combine("none.bin"), "--to", folder.Combine("model.pt")]);

        Assert.Equal(1, code);
        Assert.Contains("there is no checkpoint at", error);
        Assert.Contains("none.bin", error);
        Assert.False(File.Exists(folder.Combine("model.pt")));
    }

    [Fact]
    public void Export_in_torchvisions_layout_of_the_d2l_network_fails_with_the_fix()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Run(["train", .. Tiny, "--out", folder.Path]).Code);

        var (code, _, error) = Run(["export", "--checkpoint", folder.Combine(Checkpoint.FileName), "--to", folder.Combine("model.pt"), "--layout", "torchvision"]);

        Assert.Equal(1, code);
        Assert.Contains("use the d2l layout", error);
        Assert.Single(error.TrimEnd().Split(Environment.NewLine));
        Assert.False(File.Exists(folder.Combine("model.pt")));
    }

    [Theory]
    [InlineData(new[] { "export", "--to", "model.pt" }, "Option '--checkpoint' is required")]
    [InlineData(new[] { "export", "--checkpoint", "c.bin" }, "Option '--to' is required")]
    [InlineData(new[] { "export", "--checkpoint", "c.bin", "--to", "m.pt", "--layout", "keras" }, "--layout takes d2l or torchvision, not 'keras'")]
    [InlineData(new[] { "export", "--checkpiont", "c.bin" }, "unknown option --checkpiont for export; did you mean --checkpoint?")]
    public void Bad_export_arguments_exit_with_code_2_and_the_reason(string[] args, string reason)
    {
        var (code, output, error) = Run(args);

        Assert.Equal(2, code);
        Assert.Contains(reason, error.Split(Environment.NewLine)[0]);
        Assert.Contains("Run 'resnet-cli export --help' for the options.", error);
        Assert.Equal("", output);
    }

    [Fact]
    public void Export_help_lists_its_options()
    {
        var (code, output, _) = Run("export", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--checkpoint <FILE>", output);
        Assert.Contains("--to <FILE>", output);
        Assert.Contains("--layout <d2l|torchvision>", output);
    }

    [Fact]
    public void Export_refuses_to_overwrite_the_checkpoint_it_reads()
    {
        using var folder = new TempFolder();
        var checkpoint = folder.Combine(Checkpoint.FileName);
        File.WriteAllText(checkpoint, "stand-in");

        var (code, _, error) = Run(["export", "--checkpoint", checkpoint, "--to", checkpoint]);

        Assert.Equal(1, code);
        Assert.Contains("is the checkpoint itself", error);
        Assert.Equal("stand-in", File.ReadAllText(checkpoint));
    }
}
