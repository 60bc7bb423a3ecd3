// `genrec run`: the whole TIGER pipeline in one command — data → embeddings → semantic IDs → TIGER training →
// evaluation → SASRec control → report.html — into one run folder. The pipeline itself is the library's
// (GenRec.Runs.Pipeline: stages, caching, resume, config.json, metrics.json); PipelineArguments turns the
// arguments into PipelineOptions, and RunConsole draws the progress and the summary.
using System.CommandLine;

namespace GenRec.Cli.Commands;

public static class RunCommand
{
    public static Command Create()
    {
        var arguments = new PipelineArguments();
        var command = new Command("run", "Run the whole pipeline (embeddings → semantic IDs → TIGER → evaluation → report) into one folder.");
        arguments.AddTo(command);
        command.SetAction(parse =>
        {
            RunConsole.Execute(arguments.Read(parse), parse.InvocationConfiguration.Output);
            return 0;
        });
        return command;
    }
}
