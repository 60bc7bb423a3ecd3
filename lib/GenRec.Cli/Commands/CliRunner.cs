// Runs the parsed command and maps failures to exit codes: 1 for bad input or data (one clear line on
// stderr, no stack trace), 2 for usage errors (System.CommandLine prints those itself).
using System.CommandLine;
using GenRec.Data;

namespace GenRec.Cli.Commands;

public static class CliRunner
{
    public static int Run(RootCommand root, string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var parse = root.Parse(args);
        var config = new InvocationConfiguration
        {
            Output = stdout ?? Console.Out,
            Error = stderr ?? Console.Error,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return parse.Invoke(config);
        }
        catch (Exception e) when (IsUserFacing(e))
        {
            (stderr ?? Console.Error).WriteLine("error: " + e.Message.ReplaceLineEndings(" "));
            return 1;
        }
    }

    /// <summary>Failures caused by the user's input or environment, reported without a stack trace.</summary>
    static bool IsUserFacing(Exception e) => e is DataFormatException
        or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
        or ArgumentException or InvalidOperationException or IOException
        or InvalidDataException;   // a damaged file (checkpoint, semantic IDs, run file), named in the message
}
