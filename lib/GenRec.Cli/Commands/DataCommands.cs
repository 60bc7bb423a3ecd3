// `genrec data …`: dataset statistics, and the importer of the canonical raw Amazon 2014 files.
using System.CommandLine;
using System.Text.Json;
using GenRec.Data;
using GenRec.Runs;
using Spectre.Console;

namespace GenRec.Cli.Commands;

public static class DataCommands
{
    public static Command Create()
    {
        var data = new Command("data", "Inspect and prepare datasets.");
        data.Subcommands.Add(Stats());
        data.Subcommands.Add(Import());
        return data;
    }

    static Command Stats()
    {
        var dataset = CommonOptions.Dataset();
        var dataDir = CommonOptions.DataDir();
        var cacheDir = CommonOptions.CacheDir();
        var json = new Option<bool>("--json") { Description = "Print the statistics as one JSON object." };
        var command = new Command("stats", "Users, items, interactions and sequence-length statistics of a dataset.")
        {
            dataset, dataDir, cacheDir, json,
        };
        command.SetAction(parse =>
        {
            var loaded = DatasetLoading.Load(parse.GetValue(dataset)!, parse.GetValue(dataDir), parse.GetValue(cacheDir));
            var stats = DatasetStatistics.Compute(loaded);
            if (parse.GetValue(json))
            {
                parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(stats, RunFiles.Json));
                return 0;
            }
            var table = new Table().AddColumn("statistic").AddColumn(new TableColumn("value").RightAligned());
            foreach (var (name, value) in stats.Rows()) table.AddRow(Markup.Escape(name), Markup.Escape(value));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    static Command Import()
    {
        var reviews = new Option<string>("--reviews") { Description = "reviews_<Category>_5.json.gz (one JSON review per line).", Required = true };
        var meta = new Option<string>("--meta") { Description = "meta_<Category>.json.gz (one Python dict literal per line).", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write items.jsonl, sequences.txt and users.tsv into.", Required = true };
        var command = new Command("import", "Import the raw Amazon 2014 files into the prepared format. " + RawAmazonImporter.NumberingRule)
        {
            reviews, meta, output,
        };
        command.SetAction(parse =>
        {
            var summary = RawAmazonImporter.Import(parse.GetValue(reviews)!, parse.GetValue(meta)!, parse.GetValue(output)!);
            parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(summary, RunFiles.Json));
            return 0;
        });
        return command;
    }
}
