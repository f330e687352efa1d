using System.Runtime.InteropServices;

namespace Nabla.Distributed.Mpi;

/// <summary>
/// The few MPI C calls Nabla needs, bound to MPICH's ABI (MPICH 4, libmpich.so.12; MS-MPI, Intel MPI and MVAPICH
/// share it). MPICH's handles (MPI_Comm, MPI_Datatype, MPI_Op, MPI_Request, MPI_Errhandler) are plain ints whose
/// predefined values are compile-time constants in mpi.h, so they are copied here and the -dev package is not
/// needed at run time. Open MPI was not chosen: its predefined handles are addresses of exported globals
/// (&amp;ompi_mpi_comm_world...), which a binding must look up symbol by symbol, and its ABI is its own. MPI.NET 1.4.0
/// from NuGet looks for MS-MPI's msmpi.dll and does not start on Linux. Every call here must be made from the one
/// thread that called MPI_Init_thread (MPI_THREAD_FUNNELED): <see cref="MpiCommThread"/>.
/// </summary>
internal static unsafe partial class MpiNative
{
    /// <summary>The library name every import uses; <see cref="MpiLibrary"/> resolves it to the installed file.</summary>
    public const string Library = "nabla-mpi";

    // mpi.h (MPICH 4.0.2): predefined handles and constants.
    public const int Success = 0;
    public const int CommWorld = 0x44000000;
    public const int ErrorsReturn = 0x54000001;
    public const int ThreadFunneled = 1;
    public const int MaxErrorString = 512;
    public const int RequestNull = 0x2c000000;
    public static readonly void* InPlace = (void*)-1;
    public static readonly void* StatusIgnore = (void*)1;

    public const int TypeUInt8 = 0x4c00013b;
    public const int TypeInt32 = 0x4c000439;
    public const int TypeInt64 = 0x4c00083a;
    public const int TypeFloat = 0x4c00040a;
    public const int TypeDouble = 0x4c00080b;

    public const int OpMax = 0x58000001;
    public const int OpMin = 0x58000002;
    public const int OpSum = 0x58000003;
    public const int OpProd = 0x58000004;

    [LibraryImport(Library, EntryPoint = "MPI_Init_thread")]
    public static partial int InitThread(int* argc, byte*** argv, int required, int* provided);

    [LibraryImport(Library, EntryPoint = "MPI_Finalize")]
    public static partial int Finalize();

    [LibraryImport(Library, EntryPoint = "MPI_Initialized")]
    public static partial int Initialized(int* flag);

    [LibraryImport(Library, EntryPoint = "MPI_Finalized")]
    public static partial int Finalized(int* flag);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_rank")]
    public static partial int CommRank(int comm, int* rank);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_size")]
    public static partial int CommSize(int comm, int* size);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_set_errhandler")]
    public static partial int CommSetErrhandler(int comm, int errhandler);

    [LibraryImport(Library, EntryPoint = "MPI_Error_string")]
    public static partial int ErrorString(int errorCode, byte* text, int* length);

    [LibraryImport(Library, EntryPoint = "MPI_Get_library_version")]
    public static partial int GetLibraryVersion(byte* text, int* length);

    [LibraryImport(Library, EntryPoint = "MPI_Iallreduce")]
    public static partial int Iallreduce(void* send, void* recv, int count, int datatype, int op, int comm, int* request);

    [LibraryImport(Library, EntryPoint = "MPI_Ibcast")]
    public static partial int Ibcast(void* buffer, int count, int datatype, int root, int comm, int* request);

    [LibraryImport(Library, EntryPoint = "MPI_Iallgather")]
    public static partial int Iallgather(void* send, int sendCount, int sendType, void* recv, int recvCount, int recvType, int comm, int* request);

    [LibraryImport(Library, EntryPoint = "MPI_Ireduce_scatter_block")]
    public static partial int IreduceScatterBlock(void* send, void* recv, int recvCount, int datatype, int op, int comm, int* request);

    [LibraryImport(Library, EntryPoint = "MPI_Ibarrier")]
    public static partial int Ibarrier(int comm, int* request);

    [LibraryImport(Library, EntryPoint = "MPI_Test")]
    public static partial int Test(int* request, int* flag, void* status);

    /// <summary>MPI_Error_string's text for an error code (the MPI_ERRORS_RETURN handler hands codes back).</summary>
    public static string DescribeError(int code)
    {
        byte* text = stackalloc byte[MaxErrorString];
        int length = 0;
        return ErrorString(code, text, &length) == Success
            ? System.Text.Encoding.UTF8.GetString(text, length).TrimEnd('\0', ' ', '\n')
            : $"MPI error code {code}";
    }

    /// <summary>MPI_Get_library_version's first line, e.g. "MPICH Version: 4.0.2".</summary>
    public static string LibraryVersion()
    {
        byte* text = stackalloc byte[8192];
        int length = 0;
        if (GetLibraryVersion(text, &length) != Success) return "unknown MPI";
        var version = System.Text.Encoding.UTF8.GetString(text, length);
        int newline = version.IndexOf('\n');
        return (newline >= 0 ? version[..newline] : version).Trim();
    }
}
