// Progress for logs. When no terminal is attached (CI logs, nohup, a pipe) Spectre's live bars print nothing,
// so a 12-minute training or a 2-minute evaluation looked hung. There, one plain line per interval instead:
//   training: 250/1,500 (17 %), loss 3.2140, 2:05 elapsed, ~10:25 left
// The first report of a phase sets the baseline, so a resumed training estimates from its own pace.
// GENREC_PROGRESS_SECONDS sets the interval (default 30 s; 0 prints every report — for tests).
using System.Diagnostics;
using System.Globalization;

namespace GenRec.Cli.Commands;

/// <summary>Rate-limited plain progress lines for one phase.</summary>
public sealed class PlainProgress(TextWriter output, string label, double? intervalSeconds = null)
{
    readonly double interval = intervalSeconds ?? DefaultIntervalSeconds();
    readonly Stopwatch clock = Stopwatch.StartNew();
    long? baseline;
    double lastPrinted = double.NegativeInfinity;

    /// <summary>GENREC_PROGRESS_SECONDS, else 30.</summary>
    public static double DefaultIntervalSeconds() =>
        double.TryParse(Environment.GetEnvironmentVariable("GENREC_PROGRESS_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 ? s : 30;

    /// <summary>Prints a line when the interval has passed since the last one, and always for the last unit.</summary>
    public void Report(long done, long total, string? detail = null)
    {
        baseline ??= done;
        var elapsed = clock.Elapsed.TotalSeconds;
        if (done < total && elapsed - lastPrinted < interval) return;
        lastPrinted = elapsed;
        var rate = (done - baseline.Value) / Math.Max(elapsed, 1e-9);
        var left = done < total && rate > 0 ? $", ~{Clock((total - done) / rate)} left" : "";
        var percent = total > 0 ? $" ({100.0 * done / total:F0} %)" : "";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label}: {done:N0}/{total:N0}{percent}{(detail is null ? "" : ", " + detail)}, {Clock(elapsed)} elapsed{left}"));
    }

    static string Clock(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}" : $"{t.Minutes}:{t.Seconds:D2}";
    }
}
