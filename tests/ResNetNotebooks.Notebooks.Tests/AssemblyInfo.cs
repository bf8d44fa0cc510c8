// Each test here starts notebook kernels in child processes, and the training notebook uses both cores: running
// them one at a time keeps timings (and the per-cell timeout) meaningful on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

// The book's test publishes what the notebook tests executed: run it last (SiteTests.cs).
[assembly: TestCollectionOrderer("ResNetNotebooks.Notebooks.Tests.RunSiteTestsLast", "ResNetNotebooks.Notebooks.Tests")]
