using ResNetNotebooks.Data;
using ResNetNotebooks.Tests.Data;
using ResNetNotebooks.Training;

namespace ResNetNotebooks.Tests.Training;

[Collection(GlobalTorchState.Name)]
public sealed class RunFolderTests
{
    [Fact]
    public void A_run_stopped_after_one_epoch_and_resumed_in_its_folder_ends_with_the_files_of_an_uninterrupted_run()
    {
        using var data = TinyRun.Data();
        using var whole = new TempFolder();
        using var stopped = new TempFolder();

        void Train(string path, RunStart start, int untilEpoch)
        {
            using var folder = RunFolder.Open(path, "test");
            var resume = folder.Start(start);
            using var trainer = new Trainer(resume?.Options ?? TinyRun.Options, TinyRun.Model, data.Train, data.Test);
            folder.Attach(trainer, resume, recordSteps: TinyRun.Config);
            trainer.FitUntil(untilEpoch);
            folder.Finish(trainer);
        }

        Train(whole.Path, RunStart.New, 3);
        Train(stopped.Path, RunStart.New, 1);
        Train(stopped.Path, RunStart.Resume, 3);

        // 3 epochs of 3 batches (96 images, batch 32): 9 steps, counted 1..9 across the resume.
        Assert.Equal(Enumerable.Range(1, 9), StepsFile.Read(stopped.Combine(StepsFile.FileName)).Select(s => s.Step));
        Assert.Equal(File.ReadAllText(whole.Combine(StepsFile.FileName)), File.ReadAllText(stopped.Combine(StepsFile.FileName)));
        Assert.Equal(
            MetricsFile.Read(whole.Combine(MetricsFile.FileName)).Select(r => (r.Epoch, r.TrainLoss, r.TestAccuracy)),
            MetricsFile.Read(stopped.Combine(MetricsFile.FileName)).Select(r => (r.Epoch, r.TrainLoss, r.TestAccuracy)));
        Assert.Equal([Checkpoint.FileName, MetricsFile.FileName, StepsFile.FileName], stopped.Files());
    }

    [Fact]
    public void Reconcile_cuts_steps_written_after_the_checkpoint_and_refuses_fewer_steps_than_it_holds()
    {
        using var data = TinyRun.Data();
        using var temp = new TempFolder();
        using (var folder = RunFolder.Open(temp.Path, "test"))
        using (var trainer = new Trainer(TinyRun.Options, TinyRun.Model, data.Train, data.Test))
        {
            folder.Attach(trainer, recordSteps: TinyRun.Config);
            trainer.FitUntil(1);
        }

        var stepsPath = temp.Combine(StepsFile.FileName);
        // What a kill between the last batch's steps and the next checkpoint leaves: steps 4 and 5 beyond the 3 checkpointed.
        StepsFile.Write(stepsPath, [.. StepsFile.Read(stepsPath), new StepRow(4, 2, 2.3, 0.1), new StepRow(5, 2, 2.3, 0.1)]);
        using (var folder = RunFolder.Open(temp.Path, "test"))
        {
            Assert.Equal(1, folder.Reconcile(TinyRun.Options)!.CompletedEpochs);
            Assert.Equal(3, StepsFile.Read(stepsPath).Count);
        }

        StepsFile.Write(stepsPath, StepsFile.Read(stepsPath).Take(2));
        using (var folder = RunFolder.Open(temp.Path, "test"))
        {
            var e = Assert.Throws<RunFolderException>(() => folder.Reconcile(TinyRun.Options));
            Assert.Equal(RunFolderProblem.StepsLost, e.Problem);
            Assert.Contains("holds 2 steps", e.Message);
            Assert.Contains("has 3", e.Message);
        }
    }

    [Fact]
    public void A_new_run_in_a_folder_with_a_checkpoint_is_refused_and_told_which_epoch_it_holds()
    {
        using var data = TinyRun.Data();
        using var temp = new TempFolder();
        using (var trainer = new Trainer(TinyRun.Options with { Epochs = 1 }, TinyRun.Model, data.Train, data.Test))
        {
            trainer.SaveCheckpoint(Checkpoint.PathIn(temp.Path));
        }

        using var folder = RunFolder.Open(temp.Path, "test");
        var e = Assert.Throws<RunFolderException>(() => folder.Start(RunStart.New));

        Assert.Equal(RunFolderProblem.CheckpointInTheWay, e.Problem);
        Assert.Contains("epoch 0 of 1", e.Message);
        Assert.Null(folder.Start(RunStart.Overwrite));
    }

    [Fact]
    public void Overwrite_removes_the_earlier_run_once_the_new_one_is_attached_and_not_before()
    {
        using var data = TinyRun.Data();
        using var temp = new TempFolder();
        using (var folder = RunFolder.Open(temp.Path, "test"))
        using (var trainer = new Trainer(TinyRun.Options with { Epochs = 1 }, TinyRun.Model, data.Train, data.Test))
        {
            folder.Attach(trainer, recordSteps: TinyRun.Config);
            trainer.Fit();
            folder.Finish(trainer);
        }

        File.WriteAllText(temp.Combine("notes.txt"), "mine");
        using (var folder = RunFolder.Open(temp.Path, "test"))
        {
            Assert.Null(folder.Start(RunStart.Overwrite));
            // Nothing is removed by deciding: a new run that cannot start keeps the earlier one.
            Assert.Equal([Checkpoint.FileName, MetricsFile.FileName, "notes.txt", StepsFile.FileName], RunFiles(temp));

            using var trainer = new Trainer(TinyRun.Options with { Epochs = 2 }, TinyRun.Model, data.Train, data.Test);
            folder.Attach(trainer);
            // A stop before the new run's first checkpoint leaves nothing of the earlier run to resume by mistake.
            Assert.Equal(["notes.txt"], RunFiles(temp));
        }
    }

    /// <summary>The folder's files but the lock's, which an open run folder holds.</summary>
    private static string[] RunFiles(TempFolder temp) => temp.Files().Where(f => !f.StartsWith(RunFolderLock.FileName, StringComparison.Ordinal)).ToArray();

    [Fact]
    public void A_folder_the_run_made_is_removed_when_it_ends_empty()
    {
        using var temp = new TempFolder();
        var path = temp.Combine("new", "run");

        RunFolder.Open(path, "test").Dispose();

        Assert.False(Directory.Exists(temp.Combine("new")));
    }
}

[Collection(GlobalTorchState.Name)]
public sealed class BatchSourceTests
{
    [Fact]
    public void The_trainer_takes_any_batch_source_and_gives_the_numbers_of_the_same_batches_from_a_dataset()
    {
        using var data = TinyRun.Data();
        var options = TinyRun.Options;

        using var fromDataset = new Trainer(options, TinyRun.Model, data.Train, data.Test);
        // The same batches the dataset constructor cuts (the tiny options keep 28×28 and all 96 + 40 images), through
        // the interface only.
        IBatchSource train = new BatchLoader(data.Train, options.BatchSize, shuffle: true, seed: options.Seed, dropLast: options.DropLast);
        IBatchSource test = new BatchLoader(data.Test, options.BatchSize, shuffle: false);
        using var fromSources = new Trainer(options, TinyRun.Model, train, test);

        Assert.Equal((96, 40, 3), (fromSources.TrainCount, fromSources.TestCount, fromSources.BatchesPerEpoch));
        Assert.Equal(fromDataset.Fit().Select(m => (m.TrainLoss, m.TestAccuracy)), fromSources.Fit().Select(m => (m.TrainLoss, m.TestAccuracy)));
    }

    [Fact]
    public void A_source_without_a_batch_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new Trainer(TinyRun.Options, TinyRun.Model, new NoBatches(), new NoBatches()));

        Assert.Contains("0 batches per epoch", e.Message);
    }

    private sealed class NoBatches : IBatchSource
    {
        public int Count => 0;

        public int BatchesPerEpoch => 0;

        public IEnumerable<ImageBatch> Epoch(int epoch) => [];
    }
}
