namespace Nabla.Benchmarks.Workloads;

/// <summary>Minor page faults of this process (field 10 of /proc/self/stat): each is a first touch of a fresh page.</summary>
public static class MemoryProbe
{
    public const int PageBytes = 4096;

    public static long MinorFaults()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[7]); // fields after "(comm)": state is field 3, minflt field 10
        }
        catch (IOException) { return -1; }
    }
}
