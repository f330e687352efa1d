using System.Reflection;
using System.Runtime.InteropServices;

namespace Nabla.Distributed.Mpi;

/// <summary>
/// Finds the MPI shared library at run time, so Nabla builds and runs without MPI and only the distributed API
/// needs it. NABLA_MPI_LIBRARY names a file to use instead of the search (a path or a name dlopen understands).
/// </summary>
internal static class MpiLibrary
{
    /// <summary>The environment variable that overrides the search.</summary>
    public const string OverrideVariable = "NABLA_MPI_LIBRARY";

    /// <summary>MPICH-ABI libraries, most specific first: Debian/Ubuntu's mpich, then the generic names.</summary>
    private static readonly string[] Candidates = ["libmpich.so.12", "libmpi.so.12", "libmpi.so", "libmpich.so"];

    private static readonly Lazy<(IntPtr Handle, string? Error)> Loaded = new(Load);

    static MpiLibrary() =>
        NativeLibrary.SetDllImportResolver(typeof(MpiLibrary).Assembly, Resolve);

    /// <summary>True when an MPI library was found and loaded.</summary>
    public static bool IsAvailable => Loaded.Value.Handle != IntPtr.Zero;

    /// <summary>Throws a <see cref="DllNotFoundException"/> saying what is missing and how to install it.</summary>
    public static void EnsureLoaded()
    {
        if (Loaded.Value.Error is { } error) throw new DllNotFoundException(error);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == MpiNative.Library ? Loaded.Value.Handle : IntPtr.Zero;

    private static (IntPtr, string?) Load()
    {
        string[] names = Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } chosen ? [chosen] : Candidates;
        foreach (var name in names)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            // Open MPI also ships a libmpi.so, with another ABI: calling it with MPICH's handles would crash.
            if (NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _))
                return (IntPtr.Zero, $"{name} is Open MPI's library, whose ABI Nabla.Distributed does not bind; install MPICH (`apt-get install mpich`) " +
                    $"and launch with MPICH's mpirun, or set {OverrideVariable} to libmpich.so.12.");
            return (handle, null);
        }
        return (IntPtr.Zero,
            $"Nabla.Distributed needs an MPI library with MPICH's ABI, and none was found (tried {string.Join(", ", names)}). " +
            "Install MPICH: `apt-get install mpich` on Debian/Ubuntu (`dnf install mpich` on Fedora, then make libmpi.so.12 " +
            $"findable), or set {OverrideVariable} to the library's path. Launch with `mpirun -np N dotnet your.dll`. " +
            "Open MPI's libmpi has a different ABI and is not supported.");
    }
}
