using System.Text.Json;

namespace GenRec.Cli.Commands;

/// <summary>One JSON style for every machine-readable output: snake_case keys, indented.</summary>
public static class JsonOutput
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };
}
