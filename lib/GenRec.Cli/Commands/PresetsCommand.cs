// `genrec presets`: every stage-2 preset with its model kind, size, schedule and what it measured, so a user picks
// one knowing its cost before starting an hour-long run. The values come from GenRec.Runs.TigerPresets.
using System.CommandLine;
using System.Globalization;
using GenRec.Runs;

namespace GenRec.Cli.Commands;

public static class PresetsCommand
{
    public static Command Create()
    {
        var command = new Command("presets", "List the stage-2 presets (use with run/train --preset NAME [--model KIND]) and what each measured.");
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            foreach (var line in Describe()) output.WriteLine(line);
            return 0;
        });
        return command;
    }

    /// <summary>One line per preset (the first of a name is its default kind).</summary>
    public static IEnumerable<string> Describe()
    {
        var defaults = new HashSet<string>();
        foreach (var p in TigerPresets.List)
        {
            var shape = p.DecoderOnly is { } d
                ? $"d_model {d.DModel}, {d.NumHeads}×{d.DKv} heads, d_ff {d.DFf}, {d.Layers} layers, dropout {d.Dropout}"
                : p.EncoderDecoder is { } e
                    ? $"d_model {e.DModel}, {e.NumHeads}×{e.DKv} heads, d_ff {e.DFf}, {e.EncoderLayers}+{e.DecoderLayers} layers, dropout {e.Dropout}"
                    : "";
            var t = p.Trainer;
            var marker = defaults.Add(p.Name) ? " (default)" : "";
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{p.Name} --model {p.Model}{marker}: {shape}; batch {t.BatchSize}, lr {t.LearningRate} {t.Schedule}, {p.Fit.MaxSteps:N0} steps, " +
                $"beam {p.EvalBeamWidth}, {p.SemanticIds} IDs{(p.UserBuckets > 0 ? $", user token ({p.UserBuckets} buckets)" : "")} — {p.Cost}");
        }
    }
}
