// genrec — the command line over the GenRec library. Each subcommand lives in Commands/ and only calls
// library APIs; this file wires them together and turns any expected failure into one line on stderr.
using System.CommandLine;
using GenRec.Cli.Commands;

var root = new RootCommand("GenRec Notebooks: TIGER generative retrieval (semantic IDs + seq2seq) in C#.")
{
    DataCommands.Create(),
    EmbedCommand.Create(),
    SemanticIdsCommand.Create(),
};
return CliRunner.Run(root, args);
