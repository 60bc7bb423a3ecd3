// Runs the command line in-process with captured output, as the CLI tests need it: the same entry point
// as the executable (CliApp.Run), so parsing, error lines and exit codes are tested, not re-implemented.
using GenRec.Cli.Commands;

namespace GenRec.Tests.TestSupport;

/// <summary>In-process invocation of the <c>genrec</c> command line.</summary>
public static class CliRunner
{
    /// <summary>Runs <paramref name="args"/>; returns the exit code and what went to standard output and error.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = CliApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
