namespace Nabla.Train;

/// <summary>Writes files whole or not at all: to a temporary name beside the target, then a rename.</summary>
public static class Atomic
{
    /// <summary>Lets <paramref name="write"/> fill a temporary file, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<string> write)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        try
        {
            write(temporary);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }
}
