using System.CommandLine;

namespace GenRec.Cli.Commands;

/// <summary>The whole command tree, built in one place so Program and the tests run the same commands.</summary>
public static class CliApp
{
    public static RootCommand CreateRoot() =>
        new("GenRec Notebooks: TIGER generative retrieval (semantic IDs + seq2seq) in C#.")
        {
            DataCommands.Create(),
            EmbedCommand.Create(),
            SemanticIdsCommand.Create(),
            TrainCommand.Create(),
            EvaluateCommand.Create(),
            NotebooksCommand.Create(),
            SasRecCommand.Create(),
            RunCommand.Create(),
            PresetsCommand.Create(),
            ExperimentCommand.Create(),
        };

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null) =>
        CliRunner.Run(CreateRoot(), args, stdout, stderr);
}
