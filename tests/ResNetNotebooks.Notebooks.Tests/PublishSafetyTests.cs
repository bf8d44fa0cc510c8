using System.Text.Json.Nodes;
using ResNetNotebooks.Runner;
using ResNetNotebooks.Runner.Publish;

namespace ResNetNotebooks.Notebooks.Tests;

/// <summary>
/// <c>publish</c> never deletes what it did not write (issue 22): it refuses the repository, the executed copies, the
/// lessons and any folder of someone else's files as its target, checks its inputs before it touches the old site,
/// and replaces the old site only with a complete new one. Each test runs on a small repository of its own in a
/// temporary folder (one lesson, one library file, the real site/ sources), so that a regression deletes nothing real.
/// </summary>
public sealed class PublishSafetyTests
{
    /// <summary>The marker publish writes into the site folder (a folder without it is not publish's to replace).</summary>
    private const string Marker = ".resnet-notebooks-site";

    /// <summary>A throw-away repository: notebooks/, executed copies, src/, .git/, a user's file, site/ linked to the real one.</summary>
    private sealed class ScratchRepository
    {
        /// <summary>The repository, alone in a folder of its own (so that "a folder holding it" holds nothing else).</summary>
        public string Root { get; } = Path.Combine(Directory.CreateTempSubdirectory("resnet-publish-scratch-").FullName, "repo");

        public string Executed => Path.Combine(Root, "artifacts", "notebooks", "default");

        public string Lesson => Path.Combine(Root, "notebooks", "01-lesson.ipynb");

        public string ExecutedCopy => Path.Combine(Executed, "01-lesson.ipynb");

        public ScratchRepository()
        {
            Directory.CreateDirectory(Root);
            File.WriteAllText(Path.Combine(Root, "ResNetNotebooks.sln"), "");
            File.WriteAllText(Path.Combine(Root, "notes.txt"), "a user's uncommitted notes");
            Directory.CreateDirectory(Path.Combine(Root, ".git"));
            File.WriteAllText(Path.Combine(Root, ".git", "HEAD"), "ref: refs/heads/main\n");
            Directory.CreateDirectory(Path.Combine(Root, "src", "ResNetNotebooks"));
            File.WriteAllText(Path.Combine(Root, "src", "ResNetNotebooks", "Block.cs"), "namespace X; public class Block { }\n");
            Directory.CreateDirectory(Path.Combine(Root, "notebooks"));
            File.WriteAllText(Lesson, Notebook(executed: false).ToJsonString());
            Directory.CreateDirectory(Executed);
            File.WriteAllText(ExecutedCopy, Notebook(executed: true).ToJsonString());
            // The book's pinned browser libraries: the real site/ (publish runs npm ci there once if needed).
            Directory.CreateSymbolicLink(Path.Combine(Root, "site"), Path.Combine(Repo.Root, "site"));
        }

        /// <summary>Every file under the repository's root except site/ (a link to the real one), with its content.</summary>
        public Dictionary<string, string> Files() => Directory.GetFiles(Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(Path.Combine(Root, "site") + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(Root, f), File.ReadAllText);

        public SitePublisher.Summary Publish(string site) => SitePublisher.Publish(Root, Executed, site, TextWriter.Null);
    }

    /// <summary>A one-lesson notebook: as committed (no counts, no outputs), or as executed (count 1, its output).</summary>
    private static JsonObject Notebook(bool executed, JsonObject? output = null)
    {
        var outputs = new JsonArray();
        if (executed)
        {
            outputs.Add(output ?? new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "2\n" });
        }
        return new JsonObject
        {
            ["cells"] = new JsonArray(
                new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = "# A lesson\n\nOne idea." },
                new JsonObject
                {
                    ["cell_type"] = "code", ["metadata"] = new JsonObject(), ["source"] = "Console.WriteLine(1 + 1);",
                    ["execution_count"] = executed ? 1 : null, ["outputs"] = outputs,
                }),
            ["metadata"] = new JsonObject(),
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
    }

    /// <summary>Publish stops, with nothing replaced, because of what the executed copies or the disk hold (exit 1).</summary>
    private static PublishException Refused(Action publish) => Assert.Throws<PublishException>(publish);

    /// <summary>Publish refuses --out or --from before it reads anything: a usage error (exit 2).</summary>
    private static PublishFolderRefusedException RefusedFolder(Action publish) => Assert.Throws<PublishFolderRefusedException>(publish);

    [Fact]
    public void Publishing_into_the_repository_root_or_a_folder_holding_it_is_refused_and_deletes_nothing()
    {
        var repo = new ScratchRepository();
        var before = repo.Files();

        var intoRoot = RefusedFolder(() => repo.Publish(repo.Root));
        var intoParent = RefusedFolder(() => repo.Publish(Path.GetDirectoryName(repo.Root)!)); // the scratch folder holding only the repository

        Assert.Contains($"--out {repo.Root} is the repository", intoRoot.Message);
        Assert.Contains("holds the repository", intoParent.Message);
        Assert.Equal(before, repo.Files()); // .git/HEAD, notes.txt, the lesson and its executed copy all kept
    }

    [Fact]
    public void Publishing_into_the_from_folder_the_lessons_or_dot_git_is_refused_and_deletes_nothing()
    {
        var repo = new ScratchRepository();
        var before = repo.Files();

        Assert.Contains("is the executed notebooks' folder (--from)", RefusedFolder(() => repo.Publish(repo.Executed)).Message);
        Assert.Contains("holds the executed notebooks' folder (--from)", RefusedFolder(() => repo.Publish(Path.Combine(repo.Root, "artifacts"))).Message);
        Assert.Contains("lies inside the executed notebooks' folder (--from)", RefusedFolder(() => repo.Publish(Path.Combine(repo.Executed, "site"))).Message);
        Assert.Contains("is the lessons' folder", RefusedFolder(() => repo.Publish(Path.Combine(repo.Root, "notebooks"))).Message);
        Assert.Contains("is the repository's .git folder", RefusedFolder(() => repo.Publish(Path.Combine(repo.Root, ".git"))).Message);

        Assert.Equal(before, repo.Files());
    }

    [Fact]
    public void A_folder_with_files_publish_did_not_write_is_refused_and_kept()
    {
        var repo = new ScratchRepository();
        var folder = Directory.CreateTempSubdirectory("resnet-publish-users-").FullName;
        File.WriteAllText(Path.Combine(folder, "thesis.tex"), "mine");

        var refused = RefusedFolder(() => repo.Publish(folder));

        Assert.Contains("files publish did not write", refused.Message);
        Assert.Contains(Marker, refused.Message);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(folder, "thesis.tex")));
        Assert.Single(Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void A_file_as_the_site_folder_is_refused_and_kept()
    {
        var repo = new ScratchRepository();
        var file = Path.Combine(Directory.CreateTempSubdirectory("resnet-publish-file-").FullName, "site");
        File.WriteAllText(file, "not a folder");

        Assert.Contains("is a file, not a folder", RefusedFolder(() => repo.Publish(file)).Message);
        Assert.Equal("not a folder", File.ReadAllText(file));
    }

    [Fact]
    public void A_new_site_is_marked_and_a_marked_site_is_replaced_whole_leaving_no_temporary_folder()
    {
        var repo = new ScratchRepository();
        var parent = Directory.CreateTempSubdirectory("resnet-publish-site-").FullName;
        var site = Path.Combine(parent, "book");

        var first = repo.Publish(site);
        File.WriteAllText(Path.Combine(site, "stale.html"), "from an older build");
        var second = repo.Publish(site);

        Assert.Equal(1, first.Lessons);
        Assert.True(File.Exists(Path.Combine(site, Marker)));
        Assert.True(File.Exists(Path.Combine(site, "01-lesson.html")));
        Assert.False(File.Exists(Path.Combine(site, "stale.html"))); // the marked site was publish's: replaced whole
        Assert.Equal(first.Files, second.Files);
        Assert.Equal(["book"], Directory.GetFileSystemEntries(parent).Select(Path.GetFileName)); // no temporary or old folder left
    }

    [Fact]
    public void An_errored_executed_copy_is_refused_before_the_old_site_is_touched()
    {
        var repo = new ScratchRepository();
        var site = Path.Combine(Directory.CreateTempSubdirectory("resnet-publish-site-").FullName, "book");
        repo.Publish(site);
        var before = Directory.GetFiles(site, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText);
        File.WriteAllText(repo.ExecutedCopy, Notebook(executed: true,
            new JsonObject { ["output_type"] = "error", ["ename"] = "InvalidOperationException", ["evalue"] = "the batch was empty", ["traceback"] = new JsonArray() }).ToJsonString());

        var refused = Refused(() => repo.Publish(site));

        Assert.Contains("holds an error output", refused.Message);
        Assert.Equal(before, Directory.GetFiles(site, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText));
    }

    [Fact]
    public void An_invalid_executed_copy_is_refused_in_one_sentence_before_the_old_site_is_touched()
    {
        var repo = new ScratchRepository();
        var site = Path.Combine(Directory.CreateTempSubdirectory("resnet-publish-site-").FullName, "book");
        repo.Publish(site);
        var before = Directory.GetFiles(site, "*", SearchOption.AllDirectories).Length;
        File.WriteAllText(repo.ExecutedCopy, "{ not json");

        var refused = Refused(() => repo.Publish(site));

        Assert.Contains("is not valid JSON", refused.Message);
        Assert.Equal(before, Directory.GetFiles(site, "*", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void A_from_folder_that_does_not_exist_or_is_a_file_is_named_as_such_and_the_old_site_is_kept()
    {
        var repo = new ScratchRepository();
        var site = Path.Combine(Directory.CreateTempSubdirectory("resnet-publish-site-").FullName, "book");
        repo.Publish(site);
        var before = Directory.GetFiles(site, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText);
        var missing = Path.Combine(repo.Root, "artifacts", "notebooks", "cii");
        var file = Path.Combine(repo.Root, "notes.txt");

        var refusedMissing = RefusedFolder(() => SitePublisher.Publish(repo.Root, missing, site, TextWriter.Null));
        var refusedFile = RefusedFolder(() => SitePublisher.Publish(repo.Root, file, site, TextWriter.Null));

        // Not "has no executed copy of 01-lesson.ipynb": the folder is what is wrong.
        Assert.Contains($"{missing} does not exist", refusedMissing.Message);
        Assert.Contains($"{file} is a file", refusedFile.Message);
        Assert.All([refusedMissing, refusedFile], e => Assert.Contains("--from FOLDER", e.Message));
        Assert.All([refusedMissing, refusedFile], e => Assert.DoesNotContain("has no executed copy", e.Message));
        Assert.Equal(before, Directory.GetFiles(site, "*", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText));
    }

    [Fact]
    public void A_never_executed_notebook_is_not_published_as_an_executed_copy()
    {
        var repo = new ScratchRepository();
        var site = Path.Combine(Directory.CreateTempSubdirectory("resnet-publish-site-").FullName, "book");

        // The lessons themselves as --from: code cells without execution counts or outputs.
        var refused = Assert.Throws<PublishException>(() => SitePublisher.Publish(repo.Root, Path.Combine(repo.Root, "notebooks"), site, TextWriter.Null));
        File.WriteAllText(repo.ExecutedCopy, Notebook(executed: false).ToJsonString());
        var refusedCopy = Refused(() => repo.Publish(site));

        Assert.Contains("was never executed", refused.Message);
        Assert.Contains("was never executed", refusedCopy.Message);
        Assert.False(Directory.Exists(site));
    }

    [Fact]
    public void A_site_folder_that_cannot_be_written_is_refused_in_one_sentence()
    {
        var repo = new ScratchRepository();
        // /proc takes no new folders, even for root (a read-only folder does not stop root).
        var site = Path.Combine("/proc", "resnet-site");

        var refused = Refused(() => repo.Publish(site));

        Assert.Contains("could not write the site beside /proc/resnet-site", refused.Message);
    }
}
