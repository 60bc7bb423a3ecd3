// Resolving the data root (option > GENREC_DATA_DIR > <repo>/data) and dataset folders, and the
// messages a user sees when data is missing.
using GenRec.Data;
using GenRec.Tests.TestSupport;

namespace GenRec.Tests.Data;

public class DataLocatorTests
{
    [Fact]
    public void ResolveRoot_PrefersExplicitThenEnvironmentThenRepositoryData()
    {
        using var temp = new TempDirectory();
        temp.Write("GenRecNotebooks.sln", "");
        var nested = temp.Combine("lib", "bin", "Debug");
        Directory.CreateDirectory(nested);

        Assert.Equal(temp.Combine("mine"), DataLocator.ResolveRoot(temp.Combine("mine"), temp.Combine("env"), [nested]));
        Assert.Equal(temp.Combine("env"), DataLocator.ResolveRoot(null, temp.Combine("env"), [nested]));
        Assert.Equal(temp.Combine("data"), DataLocator.ResolveRoot(null, null, [nested]));
        Assert.Equal(temp.Combine("data"), DataLocator.ResolveRoot("  ", "", [nested]));
    }

    [Fact]
    public void FindRepositoryRoot_WalksUpFromEachStartInTurn()
    {
        using var temp = new TempDirectory();
        temp.Write(Path.Combine("repo", "GenRecNotebooks.sln"), "");
        var outside = temp.Combine("elsewhere");
        var inside = temp.Combine("repo", "tests", "bin");
        Directory.CreateDirectory(outside);
        Directory.CreateDirectory(inside);

        Assert.Equal(temp.Combine("repo"), DataLocator.FindRepositoryRoot([outside, inside]));
        Assert.Null(DataLocator.FindRepositoryRoot([outside]));
    }

    [Fact]
    public void FindRepositoryRoot_FromTestRun_FindsThisRepository()
    {
        var root = DataLocator.FindRepositoryRoot();
        Assert.NotNull(root);
        Assert.True(File.Exists(Path.Combine(root, "GenRecNotebooks.sln")));
    }

    [Fact]
    public void ResolveRoot_NothingToGoOn_ExplainsAllThreeWays()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<DirectoryNotFoundException>(() => DataLocator.ResolveRoot(null, null, [temp.Path]));
        Assert.Contains("no --data-dir given, GENREC_DATA_DIR is not set, and no GenRecNotebooks.sln was found above", error.Message);
        Assert.Contains("\"Getting the data\" section of README.md", error.Message);
    }

    [Fact]
    public void DatasetDirectory_AnyFolderWithTheThreeFiles_IsAccepted()
    {
        using var temp = new TempDirectory();
        var folder = TinyPreparedDataset.Write(temp, name: "my-own");
        Assert.Equal(folder, DataLocator.DatasetDirectory(temp.Path, "my-own"));
    }

    [Fact]
    public void DatasetDirectory_UnknownName_ListsKnownDatasets()
    {
        using var temp = new TempDirectory();
        var error = Assert.Throws<DirectoryNotFoundException>(() => DataLocator.DatasetDirectory(temp.Path, "movies"));
        Assert.StartsWith($"Unknown dataset \"movies\": the known datasets are beauty, sports, toys, and there is no folder {temp.Combine("movies")}. See", error.Message);
        Assert.Contains("GENREC_DATA_DIR", error.Message);
    }

    [Fact]
    public void DatasetDirectory_KnownNameMissingFolder_NamesPathAndMissingRoot()
    {
        using var temp = new TempDirectory();
        var root = temp.Combine("no-data-here");
        var error = Assert.Throws<DirectoryNotFoundException>(() => DataLocator.DatasetDirectory(root, "beauty"));
        Assert.StartsWith($"Dataset folder {Path.Combine(root, "beauty")} does not exist (the data root {root} does not exist either). See", error.Message);
        Assert.Contains("\"Getting the data\"", error.Message);
    }

    [Fact]
    public void DatasetDirectory_MissingFile_NamesThatFile()
    {
        using var temp = new TempDirectory();
        var folder = TinyPreparedDataset.Write(temp, name: "toys");
        File.Delete(Path.Combine(folder, "items.jsonl"));
        var error = Assert.Throws<DataFormatException>(() => DataLocator.DatasetDirectory(temp.Path, "toys"));
        Assert.Equal(Path.Combine(folder, "items.jsonl"), error.FilePath);
        Assert.StartsWith("items.jsonl: file is missing", error.Message);
    }

    [Theory]
    [InlineData("../beauty")]
    [InlineData("")]
    [InlineData("..")]
    public void DatasetDirectory_PathLikeName_IsRejected(string name)
    {
        Assert.Throws<ArgumentException>(() => DataLocator.DatasetDirectory("/tmp", name));
    }
}
