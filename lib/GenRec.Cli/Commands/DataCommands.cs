// `genrec data …`: dataset statistics (and the raw importer, see DataImportCommand).
using System.CommandLine;
using System.Text.Json;
using GenRec.Data;
using Spectre.Console;

namespace GenRec.Cli.Commands;

public static class DataCommands
{
    public static Command Create()
    {
        var data = new Command("data", "Inspect and prepare datasets.");
        data.Subcommands.Add(Stats());
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
                parse.InvocationConfiguration.Output.WriteLine(JsonSerializer.Serialize(stats, JsonOutput.Options));
                return 0;
            }
            var table = new Table().AddColumn("statistic").AddColumn(new TableColumn("value").RightAligned());
            foreach (var (name, value) in stats.Rows()) table.AddRow(Markup.Escape(name), Markup.Escape(value));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }
}
