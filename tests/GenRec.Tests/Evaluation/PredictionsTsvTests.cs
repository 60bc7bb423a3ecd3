using GenRec.Evaluation;

namespace GenRec.Tests.Evaluation;

public class PredictionsTsvTests
{
    [Fact]
    public void Writes_rank_ordered_lines_atomically_and_reads_them_back()
    {
        var dir = Directory.CreateTempSubdirectory("genrec-pred-");
        try
        {
            var path = Path.Combine(dir.FullName, "sub", "predictions.tsv");
            File.WriteAllText(Path.Combine(dir.FullName, "placeholder"), "");
            PredictionsTsv.Write(path, [(3, [30, 10, 20]), (1, [5]), (2, [])]);
            Assert.Equal("3\t30 10 20\n1\t5\n2\t\n", File.ReadAllText(path));
            Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));   // temp file moved, none left

            PredictionsTsv.Write(path, [(9, [1, 2])]);                                // replaces the old file
            var read = PredictionsTsv.Read(path);
            Assert.Single(read);
            Assert.Equal(9, read[0].UserId);
            Assert.Equal([1, 2], read[0].Items);
        }
        finally { dir.Delete(recursive: true); }
    }

    [Fact]
    public void A_malformed_line_names_file_and_line()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "1\t2 3\n2\t4 x\n");
            var error = Assert.Throws<FormatException>(() => PredictionsTsv.Read(path));
            Assert.Contains($"{path}:2", error.Message);
            Assert.Contains("'x'", error.Message);
        }
        finally { File.Delete(path); }
    }
}
