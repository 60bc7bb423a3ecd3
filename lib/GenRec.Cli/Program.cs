// genrec — the command line over the GenRec library. Each subcommand lives in Commands/ and only calls
// library APIs; CliRunner turns any expected failure into one line on stderr and exit code 1.
return GenRec.Cli.Commands.CliApp.Run(args);
