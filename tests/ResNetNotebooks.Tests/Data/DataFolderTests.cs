using ResNetNotebooks.Data;

namespace ResNetNotebooks.Tests.Data;

public class DataFolderTests
{
    [Fact]
    public void Find_walks_up_from_a_nested_folder_to_the_data_folder_with_the_subset()
    {
        using var repo = new TempFolder();
        Directory.CreateDirectory(repo.Combine("data", "fashion-mnist-subset"));
        string notebooks = repo.Combine("notebooks", "chapter");
        Directory.CreateDirectory(notebooks);

        Assert.Equal(repo.Combine("data"), DataFolder.Find(notebooks));
    }

    [Fact]
    public void Find_ignores_a_data_folder_without_the_subset()
    {
        using var repo = new TempFolder();
        Directory.CreateDirectory(repo.Combine("data", "fashion-mnist-subset"));
        Directory.CreateDirectory(repo.Combine("notebooks", "data"));

        Assert.Equal(repo.Combine("data"), DataFolder.Find(repo.Combine("notebooks")));
    }

    [Fact]
    public void Find_from_the_test_output_folder_reaches_the_repository_data_folder()
    {
        string data = DataFolder.Find(AppContext.BaseDirectory);

        Assert.Equal("data", Path.GetFileName(data));
        Assert.True(File.Exists(Path.Combine(data, "README.md")));
    }

    [Fact]
    public void Find_outside_any_repository_says_where_it_started_and_what_it_looked_for()
    {
        using var elsewhere = new TempFolder();

        var error = Assert.Throws<DirectoryNotFoundException>(() => DataFolder.Find(elsewhere.Path));

        Assert.Contains(elsewhere.Path, error.Message);
        Assert.Contains("data/fashion-mnist-subset", error.Message);
    }
}
