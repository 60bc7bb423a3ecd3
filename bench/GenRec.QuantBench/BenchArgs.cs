// Minimal "--key value" parser for the bench; unknown keys are reported so typos do not pass silently.
using System.Globalization;

namespace GenRec.QuantBench;

internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values;
    private readonly HashSet<string> _used = [];

    private BenchArgs(Dictionary<string, string> values) => _values = values;

    public static (string Command, BenchArgs Options) Parse(string[] args)
    {
        if (args.Length == 0) throw new ArgumentException("usage: <analyze|rqvae|rkmeans|lsh|ae> [--key value ...]");
        var values = new Dictionary<string, string>();
        for (int i = 1; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--") || i + 1 >= args.Length)
                throw new ArgumentException($"argument {i}: expected '--key value', got '{args[i]}'");
            values[args[i][2..]] = args[++i];
        }
        return (args[0], new BenchArgs(values));
    }

    public bool Has(string key) => _values.ContainsKey(key);
    public string? Str(string key) { _used.Add(key); return _values.GetValueOrDefault(key); }
    public int Int(string key, int fallback) => Str(key) is string s ? int.Parse(s, CultureInfo.InvariantCulture) : fallback;
    public long Long(string key, long fallback) => Str(key) is string s ? long.Parse(s, CultureInfo.InvariantCulture) : fallback;
    public double Double(string key, double fallback) => Str(key) is string s ? double.Parse(s, CultureInfo.InvariantCulture) : fallback;
    public bool Bool(string key, bool fallback) => Str(key) is string s ? bool.Parse(s) : fallback;
    public int[] Ints(string key, int[] fallback) => Str(key) is string s ? s.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray() : fallback;
    public T Enum<T>(string key, T fallback) where T : struct, System.Enum => Str(key) is string s ? System.Enum.Parse<T>(s, ignoreCase: true) : fallback;

    public void WarnUnused()
    {
        foreach (var key in _values.Keys.Where(k => !_used.Contains(k) && k != "npy"))
            Console.Error.WriteLine($"warning: option --{key} was not used by this command");
    }
}
