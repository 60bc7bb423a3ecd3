// GC-stress child process (issue 13). TorchSharp 0.107 frees a Scalar's native value in its finalizer and
// nothing keeps a temporary Scalar alive during the native call that reads it; a collection at that moment
// aborts the process ("Exception raised from toFloat at c10/core/Scalar.h", TOOLCHAIN.md). This program runs
// one real library path for a number of operations while a second thread loops
// `GC.Collect(); GC.WaitForPendingFinalizers();`, which makes such a collection as likely as it can be.
// It runs as its own process so that an abort fails the calling test instead of killing the test host.
//
//   dotnet GenRec.GcStress.dll <path> <operations> [--no-gc]
//   dotnet GenRec.GcStress.dll all <operations>          every library path in turn, one summary line each
//
// Prints one line per path, "ok <path> <operations> <unit> in <seconds> s, <collections> collections", and
// exits 0. An aborted process exits non-zero without that line. Paths and their operations: StressPaths.cs.
using System.Diagnostics;
using GenRec.GcStress;

if (args.Length < 2 || !int.TryParse(args[1], out var operations) || operations < 1)
{
    Console.Error.WriteLine($"usage: GenRec.GcStress <path|all> <operations ≥ 1> [--no-gc]; paths: {string.Join(", ", StressPaths.Names)}");
    return 2;
}
var names = args[0] == "all" ? StressPaths.LibraryNames : [args[0]];
if (names.FirstOrDefault(n => !StressPaths.Names.Contains(n)) is { } unknown)
{
    Console.Error.WriteLine($"unknown path '{unknown}'; paths: {string.Join(", ", StressPaths.Names)}");
    return 2;
}
TorchSharp.torch.set_num_threads(1);     // the collector thread gets the other core; tiny tensors gain nothing from more

foreach (var name in names)
{
    var path = StressPaths.Create(name);     // built before the collector starts, outside any dispose scope
    using var collector = args.Contains("--no-gc") ? null : new Collector();
    var clock = Stopwatch.StartNew();
    for (var done = 0; done < operations; done += path.Step(operations - done)) { }
    clock.Stop();
    var collections = collector?.Stop() ?? 0;
    Console.WriteLine($"ok {name} {operations} {path.Unit} in {clock.Elapsed.TotalSeconds:F1} s, {collections} collections");
    path.Dispose();
}
return 0;

/// <summary>A background thread that forces full collections and runs finalizers, back to back.</summary>
sealed class Collector : IDisposable
{
    readonly Thread thread;
    volatile bool stop;
    long collections;

    public Collector()
    {
        thread = new Thread(() =>
        {
            while (!stop)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref collections);
            }
        }) { IsBackground = true, Name = "gc-stress" };
        thread.Start();
    }

    /// <summary>Stops the thread; returns the collections it made.</summary>
    public long Stop()
    {
        stop = true;
        thread.Join();
        return Interlocked.Read(ref collections);
    }

    public void Dispose() { if (!stop) Stop(); }
}
