// The guard that keeps temporary Scalars out of the library (issue 13), and the scanner's own check.
// Why a source scan and not only the GC-stress harness: a temporary Scalar aborts the process only when a
// collection finalizes it during the microseconds of its native call, so a stressed run can miss a new site for
// thousands of iterations, and only sees the paths it exercises; the scanner sees every call in lib/GenRec as
// the compiler resolves it (overloads, implicit conversions, operators), plus the Scalars TorchSharp makes
// inside its own methods (found in its IL), and names file, line and reason. Why not a Roslyn analyzer: the
// same check as a test needs no analyzer project in the build and runs wherever the tests run.
// Why no allow-list: every site has a free safe form (a kept Scalar, or a `using` local for a one-off value),
// so the rule is simply "no site anywhere in lib/GenRec", which also covers code nobody thought of as hot.
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using GenRec.Tiger;

namespace GenRec.Tests.Training;

public sealed class NoTemporaryScalarsTests
{
    /// <summary>
    /// References of the library build: the shared framework plus GenRec.dll's dependencies, transitively,
    /// as copied to the test output (the test host's own assemblies, GenRec.dll among them, are left out).
    /// </summary>
    static IReadOnlyList<string> LibraryReferences()
    {
        var frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var framework = Directory.GetFiles(frameworkDir, "*.dll").Where(IsAssembly).ToList();
        var frameworkNames = framework.Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<string>(ReferencedNames(typeof(TigerModel).Assembly.Location));
        while (pending.TryDequeue(out var name))
        {
            var path = Path.Combine(AppContext.BaseDirectory, name + ".dll");
            if (frameworkNames.Contains(name) || found.ContainsKey(name) || !File.Exists(path)) continue;
            found[name] = path;
            foreach (var next in ReferencedNames(path)) pending.Enqueue(next);
        }
        return [.. framework, .. found.Values];
    }

    static bool IsAssembly(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        return pe.HasMetadata && pe.GetMetadataReader().IsAssembly;
    }

    static IEnumerable<string> ReferencedNames(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var md = pe.GetMetadataReader();
        return [.. md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name))];
    }

    static IEnumerable<(string, string)> LibrarySources()
    {
        var root = Path.Combine(TestPaths.RepoRoot, "lib", "GenRec");
        var separator = Path.DirectorySeparatorChar;
        return Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{separator}obj{separator}") && !f.Contains($"{separator}bin{separator}"))
            .Select(f => (Path.GetRelativePath(TestPaths.RepoRoot, f).Replace('\\', '/'), File.ReadAllText(f)));
    }

    [Fact]
    public void No_call_in_the_library_hands_LibTorch_a_temporary_Scalar()
    {
        var sources = LibrarySources().ToList();
        Assert.True(sources.Count > 50, $"only {sources.Count} library sources found");
        var sites = ScalarSiteScanner.Scan(sources, LibraryReferences());
        Assert.True(sites.Count == 0,
            $"{sites.Count} call(s) may hand LibTorch a Scalar that a garbage collection can free mid-call; pass a " +
            "kept Scalar (KeptScalars, or a field made with KeptScalars.Keep in the constructor) or a `using` local:\n" +
            string.Join("\n", sites));
    }

    [Fact]
    public void The_scanner_flags_exactly_the_unheld_Scalars_of_a_sample()
    {
        const string sample = """
            using GenRec.Training;
            using TorchSharp;
            using TorchSharp.Modules;
            using static TorchSharp.torch;

            static class Sample
            {
                static readonly Scalar Half = 0.5;                     // a field initializer makes a kept Scalar
                static Scalar Made() => 0.5.ToScalar();

                static void Unsafe(Tensor a, Tensor b, Tensor mask, OptimizerHelper optimizer)
                {
                    a.mul(0.5);                                        // line 13: converted number
                    var c = a + b;                                     // line 14: operator + passes alpha = 1
                    a.add(b);                                          // line 15: add(Tensor) makes alpha = 1
                    Scalar local = 0.5;
                    a.mul(local);                                      // line 17: not a using local
                    a.mul(Made());                                     // line 18: held by nothing
                    a.masked_fill(mask, -1e9);                         // line 19: converted number
                    optimizer.step();                                  // line 20: AdamW.step and others
                    a.clamp(min: 0);                                   // line 21: converted number
                }

                static void Safe(Tensor a, Tensor b, Scalar given, double value)
                {
                    a.mul(Half);
                    a.add(b, KeptScalars.One);
                    a.Plus(b);
                    a.sub(b);                                          // sub(Tensor) makes no Scalar
                    var d = a * b;
                    a.mul(given);
                    using var once = value.ToScalar();
                    a.mul(once);
                    a.clamp(null, KeptScalars.One);
                    a.clamp_min(value > 0 ? KeptScalars.One : KeptScalars.Zero);
                }
            }
            """;
        var library = typeof(GenRec.Training.KeptScalars).Assembly.Location;
        var sites = ScalarSiteScanner.Scan([("Sample.cs", sample)], [.. LibraryReferences(), library]);
        Assert.Equal([13, 14, 15, 17, 18, 19, 20, 21], sites.Select(s => s.Line).Distinct().Order());
        Assert.Contains(sites, s => s.Line == 15 && s.Reason.Contains("Tensor.add"));
        Assert.Contains(sites, s => s.Line == 17 && s.Reason.Contains("`local` is not a `using` local"));
        Assert.Contains(sites, s => s.Line == 20 && s.Reason.Contains("an override of Optimizer.step"));
        Assert.All(sites, s => Assert.Equal("Sample.Unsafe", s.Member));
    }
}
