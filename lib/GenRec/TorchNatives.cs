// Loads the LibTorch that TorchSharp was built for, from the NuGet packages, before TorchSharp's own loader
// runs — for hosts whose program folder does not hold the natives: a .NET Interactive kernel (Jupyter,
// JupyterLab, VS Code) that got TorchSharp through `#r "nuget: …"`. Applications and the test host need
// nothing: their bin folder holds libtorch_cpu.so next to TorchSharp.dll, which the loader finds first.
//
// Why it is needed (measured 2026-12-02 in the real kernel): TorchSharp's loader first asks the dynamic
// loader for `libtorch_cpu.so` *by bare name*. In a kernel that name is not next to TorchSharp.dll, so the
// system search path answers — and a machine with Debian's python3-torch has libtorch-dev's
// /usr/lib/x86_64-linux-gnu/libtorch_cpu.so, LibTorch 1.13. That copy loads silently; TorchSharp's
// libLibTorchSharp.so (built for 2.10) then resolves its C++ symbols against it and fails ("undefined symbol:
// _ZNK3c105Error4whatEv"), which TorchSharp reports as "doesn't contain a reference to libtorch-cpu-linux-x64"
// — a misleading message, because the package is there. On a machine without a system LibTorch the loader
// falls through to its copy-to-one-folder step and works, which is why the test host and CI never saw it.
// Loading libc10, libtorch_cpu, libtorch and libLibTorchSharp from the packages by full path first makes every
// later lookup by name resolve to those already-loaded libraries (the dynamic loader matches loaded sonames
// before it searches), whatever else the machine has installed.
using System.Reflection;
using System.Runtime.InteropServices;

namespace GenRec;

/// <summary>Preloads the packaged LibTorch natives in notebook kernels (see the file header for why).</summary>
public static class TorchNatives
{
    /// <summary>Dependency order: each library's NEEDED entries are loaded before it.</summary>
    static readonly string[] LibTorchFiles = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];
    const string TorchSharpNative = "libLibTorchSharp.so";

    /// <summary>
    /// Makes the next TorchSharp call load the packaged LibTorch. Call it once, before the first <c>torch.*</c>
    /// call of the process (a notebook's first cell). Returns what it did, one line. A no-op outside Linux x64,
    /// in a process whose program folder holds the natives, and once TorchSharp's natives are loaded.
    /// Throws <see cref="InvalidOperationException"/> with what to do when the natives cannot be loaded.
    /// </summary>
    public static string Load()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return "TorchNatives: not Linux x64; TorchSharp's own loader is used.";
        var loaded = LoadedLibraries();
        if (loaded.Any(p => Path.GetFileName(p) == TorchSharpNative))
            return "TorchNatives: TorchSharp's natives are already loaded.";

        // typeof() does not run torch's static constructor, which is what would load the natives.
        var torchSharpDll = typeof(TorchSharp.torch).Assembly.Location;
        var torchSharpDir = Path.GetDirectoryName(torchSharpDll) ?? "";
        if (File.Exists(Path.Combine(torchSharpDir, "libtorch_cpu.so")) || File.Exists(Path.Combine(torchSharpDir, "runtimes", "linux-x64", "native", "libtorch_cpu.so")))
            return $"TorchNatives: the program folder {torchSharpDir} holds LibTorch; nothing to do.";

        var (libTorchDir, torchSharpNativeDir) = PackageFolders(torchSharpDll);
        var foreign = loaded.FirstOrDefault(p => LibTorchFiles.Any(f => Path.GetFileName(p).StartsWith(f, StringComparison.Ordinal))
                                                 && Path.GetDirectoryName(p) != libTorchDir);
        if (foreign is not null)
            throw new InvalidOperationException(
                $"Another LibTorch is already loaded in this process ({foreign}); TorchSharp would run against it and fail. " +
                "Restart the kernel and call GenRec.TorchNatives.Load() before any other TorchSharp call (the notebooks' first cell does).");

        foreach (var file in LibTorchFiles) LoadOrExplain(Path.Combine(libTorchDir, file));
        LoadOrExplain(Path.Combine(torchSharpNativeDir, TorchSharpNative));
        return $"TorchNatives: LibTorch from {libTorchDir}";
    }

    /// <summary>
    /// (LibTorch native folder, TorchSharp native folder) in the NuGet package layout
    /// &lt;packages&gt;/torchsharp/&lt;version&gt;/lib/&lt;tfm&gt;/TorchSharp.dll.
    /// </summary>
    static (string LibTorch, string TorchSharp) PackageFolders(string torchSharpDll)
    {
        var versionDir = Directory.GetParent(torchSharpDll)?.Parent?.Parent;             // torchsharp/<version>
        var packagesRoot = versionDir?.Parent?.Parent;                                    // <packages>
        var package = typeof(TorchNatives).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LibTorchCpuPackage")?.Value ?? "libtorch-cpu-linux-x64/2.10.0";
        if (versionDir is null || packagesRoot is null || versionDir.Parent?.Name != "torchsharp")
            throw new InvalidOperationException(
                $"TorchSharp.dll ({torchSharpDll}) is neither next to LibTorch nor in a NuGet package folder; reference the packages with " +
                $"#r \"nuget: TorchSharp, …\" and #r \"nuget: {package.Replace('/', ',')}\" (or use TorchSharp-cpu).");
        var libTorch = Path.Combine(packagesRoot.FullName, package.Split('/')[0], package.Split('/')[1], "runtimes", "linux-x64", "native");
        if (!File.Exists(Path.Combine(libTorch, "libtorch_cpu.so")))
            throw new InvalidOperationException(
                $"LibTorch is not in the NuGet packages ({libTorch} has no libtorch_cpu.so): add #r \"nuget: {package.Replace("/", ", ")}\" before this call.");
        return (libTorch, Path.Combine(versionDir.FullName, "runtimes", "linux-x64", "native"));
    }

    static void LoadOrExplain(string path)
    {
        try
        {
            NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e) when (e.Message.Contains("GLIBCXX_", StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"{path} needs a newer libstdc++ than this system has ({e.Message.Split('\n').Last(l => l.Contains("GLIBCXX_")).Trim()}). " +
                "Build the library once (`dotnet build lib/GenRec`): its build marks that version need weak in the NuGet cache " +
                "(build/TorchSharpGlibcxxFix.targets). Then restart the kernel.", e);
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException($"Could not load {path}: {e.Message}", e);
        }
    }

    /// <summary>Paths of the shared libraries mapped into this process (Linux /proc/self/maps).</summary>
    static List<string> LoadedLibraries()
    {
        try
        {
            return [.. File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/') is var at and >= 0 ? line[at..] : "")
                .Where(path => path.Contains(".so", StringComparison.Ordinal))
                .Distinct()];
        }
        catch (IOException) { return []; }
    }
}
