namespace ResNetNotebooks.Data;

/// <summary>What <see cref="FashionMnistNpmPackage.ConvertToIdx"/> produced.</summary>
/// <param name="TrainCount">Images written to the training files.</param>
/// <param name="TestCount">Images written to the test files.</param>
/// <param name="SkippedEmptyRecords">The empty records skipped, as (label = class file, index of the record in
/// that file's <c>data</c> array).</param>
public sealed record NpmConversionResult(int TrainCount, int TestCount, IReadOnlyList<(int Label, int Index)> SkippedEmptyRecords);
