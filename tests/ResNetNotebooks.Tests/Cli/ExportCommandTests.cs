using ResNetNotebooks.Cli;
using ResNetNotebooks.Interop;
using ResNetNotebooks.Models;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Tests.Training;
using ResNetNotebooks.Training;
using static TorchSharp.torch;

using static ResNetNotebooks.Tests.Cli.CliCalls;

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
        Assert.Contains("use the d2l layout (--layout d2l)", error);
        // The library's advice (build the model with ConvBias = false) is for a programmer, not for a CLI user.
        Assert.DoesNotContain("ConvBias", error);
        Assert.Single(error.TrimEnd().Split(Environment.NewLine));
        Assert.False(File.Exists(folder.Combine("model.pt")));
    }

    // Each case: the arguments, then the facts the line must hold (the option, the bad value, the fix's key word).
    [Theory]
    [InlineData(new[] { "export", "--to", "model.pt" }, new[] { "--checkpoint", "required" })]
    [InlineData(new[] { "export", "--checkpoint", "c.bin" }, new[] { "--to", "required" })]
    [InlineData(new[] { "export", "--checkpoint", "c.bin", "--to", "m.pt", "--layout", "keras" }, new[] { "--layout", "'keras'", "d2l", "torchvision" })]
    [InlineData(new[] { "export", "--checkpiont", "c.bin" }, new[] { "--checkpiont", "did you mean --checkpoint?" })]
    public void Bad_export_arguments_exit_with_code_2_and_the_reason(string[] args, string[] facts)
    {
        var (code, output, error) = Run(args);

        Assert.Equal(2, code);
        var problem = UsageLine(error, "resnet-cli export");
        Assert.All(facts, fact => Assert.Contains(fact, problem));
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

    /// <summary>A trained tiny run's folder and its checkpoint.</summary>
    private static string TrainTiny(TempFolder folder, string name = "run")
    {
        var (code, _, error) = Run(["train", .. Tiny, "--out", folder.Combine(name)]);
        Assert.True(code == 0, error);
        return folder.Combine(name, Checkpoint.FileName);
    }

    [Fact]
    public void Export_never_replaces_another_runs_checkpoint_while_that_run_holds_its_lock()
    {
        using var folder = new TempFolder();
        var checkpoint = TrainTiny(folder);
        // Another run, busy in its folder: its checkpoint (a copy of ours will do) and its lock.
        var other = folder.Combine("other");
        Directory.CreateDirectory(other);
        File.Copy(checkpoint, Path.Combine(other, Checkpoint.FileName));
        File.Copy(checkpoint, Path.Combine(other, "backup.bin"));
        File.WriteAllText(Path.Combine(other, "notes.pt"), "a user's file");
        var before = File.ReadAllBytes(Path.Combine(other, Checkpoint.FileName));
        using var held = RunFolderLock.Acquire(other, "resnet-cli train --seed 2");

        var byName = Run(["export", "--checkpoint", checkpoint, "--to", Path.Combine(other, Checkpoint.FileName), "--overwrite"]);
        var byContent = Run(["export", "--checkpoint", checkpoint, "--to", Path.Combine(other, "backup.bin"), "--overwrite"]);
        var locked = Run(["export", "--checkpoint", checkpoint, "--to", Path.Combine(other, "notes.pt"), "--overwrite"]);

        Assert.Equal(1, byName.Code);
        Assert.Equal($"--to {Path.Combine(other, Checkpoint.FileName)}: checkpoint.bin is the name of a training checkpoint, which train and compare would read as one; give another name, e.g. model.pt.", OneLine(byName.Err));
        Assert.Equal(1, byContent.Code);
        Assert.Equal($"--to {Path.Combine(other, "backup.bin")} is a training checkpoint; export never replaces one (even with --overwrite): give another file, e.g. model.pt.", OneLine(byContent.Err));
        Assert.Equal(1, locked.Code);
        Assert.StartsWith($"--to {Path.Combine(other, "notes.pt")} is in {other}, which a run is using (process {Environment.ProcessId}", OneLine(locked.Err));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(other, Checkpoint.FileName)));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(other, "backup.bin")));
        Assert.Equal("a user's file", File.ReadAllText(Path.Combine(other, "notes.pt")));
        Assert.Equal([".lock", ".lock.owner", "backup.bin", "checkpoint.bin", "notes.pt"], Directory.GetFiles(other).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Export_replaces_an_existing_file_only_with_overwrite()
    {
        using var folder = new TempFolder();
        var checkpoint = TrainTiny(folder);
        var target = folder.Combine("model.pt");
        File.WriteAllText(target, "an earlier export");

        var refused = Run(["export", "--checkpoint", checkpoint, "--to", target]);
        var unchanged = File.ReadAllText(target);
        var replaced = Run(["export", "--checkpoint", checkpoint, "--to", target, "--overwrite"]);

        Assert.Equal(1, refused.Code);
        Assert.Equal($"--to {target} already exists; replace it with --overwrite, or give another file.", OneLine(refused.Err));
        Assert.Equal("an earlier export", unchanged);
        Assert.True(replaced.Code == 0, replaced.Err);
        using var scope = NewDisposeScope();
        Assert.Equal(TinyRunStateDictCount(), PyTorchWeights.ReadTensors(target).Count);
    }

    private static int TinyRunStateDictCount()
    {
        using var net = TinyRun.Model();
        return net.state_dict().Count;
    }

    [Fact]
    public void Export_to_safetensors_prints_safetensors_loader_not_torch_load()
    {
        using var folder = new TempFolder();
        var checkpoint = TrainTiny(folder);
        var target = folder.Combine("model.safetensors");

        var (code, output, error) = Run(["export", "--checkpoint", checkpoint, "--to", target]);

        Assert.True(code == 0, error);
        // safetensors files are not pickles: torch.load fails on them (UnpicklingError); safetensors.torch.load_file reads them.
        Assert.Contains($"In PyTorch: from safetensors.torch import load_file; net.load_state_dict(load_file('{target}'), strict=True)", output);
        Assert.DoesNotContain("torch.load", output);
    }

    [Theory]
    [InlineData("/tmp/runs/model.pt", "'/tmp/runs/model.pt'")]
    [InlineData("/tmp/it's/model.pt", @"'/tmp/it\'s/model.pt'")]
    [InlineData(@"C:\runs\new\model.pt", @"'C:\\runs\\new\\model.pt'")]
    [InlineData("/tmp/a\"b/model.pt", "'/tmp/a\"b/model.pt'")]
    public void Printed_python_quotes_paths_as_python_reads_them(string path, string literal)
    {
        Assert.Equal(literal, ExportCommand.PythonString(path));
    }

    [Fact]
    public void The_printed_path_literal_is_the_same_path_in_python()
    {
        const string path = "/tmp/it's a \"test\"\\ folder/model.pt";
        if (!File.Exists("/usr/bin/python3"))
        {
            return; // nothing to check against: the theory above checks the escapes themselves
        }

        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import ast, sys; sys.stdout.write(ast.literal_eval(sys.argv[1]))");
        start.ArgumentList.Add(ExportCommand.PythonString(path));
        using var python = System.Diagnostics.Process.Start(start)!;
        var read = python.StandardOutput.ReadToEnd();
        python.WaitForExit();

        Assert.Equal(path, read);
    }

    [UnixFact]
    public void Export_of_a_fifo_as_checkpoint_fails_at_once_instead_of_waiting_for_a_writer()
    {
        using var folder = new TempFolder();
        var fifo = folder.Combine(Checkpoint.FileName);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
        }

        var export = Task.Run(() => Run(["export", "--checkpoint", fifo, "--to", folder.Combine("model.pt")]));
        // Not a time limit on speed: a blocked open never returns, so the test would otherwise hang.
        Assert.True(export.Wait(TimeSpan.FromMinutes(2)), "export is still waiting on the FIFO");

        var (code, _, error) = export.Result;
        Assert.Equal(1, code);
        Assert.Equal($"--checkpoint {fifo} is a named pipe (FIFO), not a checkpoint file; give the checkpoint.bin of a train run (e.g. runs/cpu/checkpoint.bin).", OneLine(error));
    }

    [Fact]
    public void Export_removes_the_temporary_file_a_killed_export_of_the_same_target_left()
    {
        using var folder = new TempFolder();
        var checkpoint = TrainTiny(folder);
        var deadPid = TinyRun.DeadProcessId();
        var leftover = folder.Combine($".model.pt.{deadPid}.{Guid.NewGuid():N}.tmp");
        var someoneElses = folder.Combine($".notes.pt.{deadPid}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(leftover, "half an export");
        File.WriteAllText(someoneElses, "another file's");

        var (code, _, error) = Run(["export", "--checkpoint", checkpoint, "--to", folder.Combine("model.pt")]);

        Assert.True(code == 0, error);
        Assert.False(File.Exists(leftover));
        Assert.True(File.Exists(someoneElses));
    }
}
