// MSBuild task (compiled by RoslynCodeTaskFactory, see LibTorchSharpGlibcxx.targets).
// Not part of the test assembly.
//
// TorchSharp 0.107's libLibTorchSharp.so was linked against GCC 13's libstdc++ and
// therefore has a version requirement (ELF .gnu.version_r entry) on GLIBCXX_3.4.32.
// The only symbol bound to that version is _ZSt21ios_base_library_initv, which GCC 13's
// <iostream> merely references with `.globl` to pull libstdc++'s iostream initialiser in.
// No relocation uses it, so the dynamic linker never looks it up; the only thing that
// fails on a GCC 12 libstdc++ (which stops at GLIBCXX_3.4.30) is the version check
// done when the library is loaded. (std::cout & co. are still initialised before
// LibTorchSharp's own constructors run: its dependencies libc10/libtorch_cpu, built by
// an older GCC, construct std::ios_base::Init themselves.)
//
// When the system libstdc++.so.6 lacks GLIBCXX_3.4.32 (and has GLIBCXX_3.4.30), this
// task rewrites that single requirement in a copy of the library to the older
// version (vna_name points at an existing "GLIBCXX_3.4.30" string, vna_hash is its ELF
// hash) after checking that no relocation references a symbol of that version. It only
// touches the file it is given (the copy in the build output), replaces it through a
// new file (so a hard link into the NuGet cache would never be written through), keeps
// its timestamp, and is a no-op when the requirement is already gone.
// Plain netstandard2.0 C# on purpose: RoslynCodeTaskFactory compiles against it.

using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class RelaxGlibcxxRequirement : Task
{
    private const uint ShtRel = 9;
    private const uint ShtRela = 4;
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;

    /// <summary>The ELF shared library to patch in place (the build-output copy).</summary>
    [Required]
    public string LibraryPath { get; set; }

    /// <summary>The version requirement to remove, e.g. GLIBCXX_3.4.32.</summary>
    [Required]
    public string FromVersion { get; set; }

    /// <summary>The version to require instead, e.g. GLIBCXX_3.4.30.</summary>
    [Required]
    public string ToVersion { get; set; }

    /// <summary>
    /// Where the system libstdc++.so.6 may be; the first that exists is checked. When it
    /// already defines FromVersion nothing is patched.
    /// </summary>
    [Required]
    public string[] SystemLibraryCandidates { get; set; }

    /// <summary>True when the file was modified by this invocation.</summary>
    [Output]
    public bool Patched { get; set; }

    public override bool Execute()
    {
        try
        {
            return Run();
        }
        catch (Exception e)
        {
            Log.LogError("RelaxGlibcxxRequirement: {0}: {1}", LibraryPath, e.Message);
            return false;
        }
    }

    private bool Run()
    {
        string system = Array.Find(SystemLibraryCandidates, File.Exists);
        if (system == null)
        {
            Log.LogMessage(MessageImportance.High, "No system libstdc++.so.6 found among {0}; {1} left as is",
                string.Join(", ", SystemLibraryCandidates), LibraryPath);
            return true;
        }
        byte[] systemBytes = File.ReadAllBytes(system);
        if (IndexOf(systemBytes, 0, systemBytes.Length, Encoding.ASCII.GetBytes(FromVersion + "\0")) >= 0)
        {
            Log.LogMessage(MessageImportance.Normal, "{0} provides {1}; {2} left as is", system, FromVersion, LibraryPath);
            return true;
        }
        if (IndexOf(systemBytes, 0, systemBytes.Length, Encoding.ASCII.GetBytes(ToVersion + "\0")) < 0)
            throw new InvalidDataException(system + " provides neither " + FromVersion + " nor " + ToVersion);

        byte[] elf = File.ReadAllBytes(LibraryPath);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1 || !BitConverter.IsLittleEndian)
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");

        ulong shoff = U64(elf, 0x28);
        int shentsize = U16(elf, 0x3a);
        int shnum = U16(elf, 0x3c);
        if (shoff == 0 || shnum == 0)
            throw new InvalidDataException("no section headers");

        var sections = new List<Section>();
        for (int i = 0; i < shnum; i++)
        {
            int h = checked((int)shoff + i * shentsize);
            sections.Add(new Section
            {
                Type = U32(elf, h + 4),
                Offset = checked((int)U64(elf, h + 24)),
                Size = checked((int)U64(elf, h + 32)),
                Link = (int)U32(elf, h + 40),
                Info = U32(elf, h + 44),
                EntSize = checked((int)U64(elf, h + 56)),
            });
        }

        int verneedIndex = sections.FindIndex(s => s.Type == ShtGnuVerneed);
        if (verneedIndex < 0)
        {
            Log.LogMessage(MessageImportance.High, "{0}: no version requirements, nothing to do", LibraryPath);
            return true;
        }
        Section verneed = sections[verneedIndex];
        Section dynstr = sections[verneed.Link];

        // Walk Elf64_Verneed / Elf64_Vernaux.
        int fromAux = -1;
        int fromFileEntry = -1;
        ushort fromIndex = 0;
        var toNameOffsets = new Dictionary<int, uint>(); // verneed entry offset -> vna_name of ToVersion
        int vn = verneed.Offset;
        for (uint n = 0; n < verneed.Info; n++)
        {
            int cnt = U16(elf, vn + 2);
            int aux = vn + (int)U32(elf, vn + 8);
            for (int a = 0; a < cnt; a++)
            {
                uint nameOffset = U32(elf, aux + 8);
                string name = CString(elf, dynstr.Offset + (int)nameOffset);
                if (name == FromVersion)
                {
                    fromAux = aux;
                    fromFileEntry = vn;
                    fromIndex = (ushort)(U16(elf, aux + 6) & 0x7fff);
                }
                else if (name == ToVersion)
                {
                    toNameOffsets[vn] = nameOffset;
                }
                aux += (int)U32(elf, aux + 12);
            }
            uint next = U32(elf, vn + 12);
            if (next == 0)
                break;
            vn += (int)next;
        }

        if (fromAux < 0)
        {
            Log.LogMessage(MessageImportance.Normal, "{0}: no {1} requirement (already patched?), nothing to do", LibraryPath, FromVersion);
            return true;
        }

        string fileName = CString(elf, dynstr.Offset + (int)U32(elf, fromFileEntry + 4));

        // The rewrite only relaxes the load-time version check. It is sound only if the
        // dynamic linker never has to bind a symbol of that version, i.e. no dynamic
        // relocation refers to one.
        List<string> versionedSymbols = SymbolsWithVersion(elf, sections, fromIndex, out List<string> relocated);
        if (relocated.Count > 0)
        {
            Log.LogError(
                "{0}: symbol(s) {1} of {2} are bound by relocations; relaxing the version requirement is not enough on this libstdc++",
                LibraryPath, string.Join(", ", relocated), FromVersion);
            return false;
        }

        // Reuse an existing "ToVersion" string: the one of the same file's entry, else any
        // occurrence of "ToVersion\0" in .dynstr.
        uint toName;
        if (!toNameOffsets.TryGetValue(fromFileEntry, out toName))
        {
            int found = IndexOf(elf, dynstr.Offset, dynstr.Size, Encoding.ASCII.GetBytes(ToVersion + "\0"));
            if (found < 0)
                throw new InvalidDataException("no \"" + ToVersion + "\" string in .dynstr to point at");
            toName = (uint)(found - dynstr.Offset);
        }

        // Patch a fresh copy (File.Copy keeps the mode) and move it over the original, so
        // a hard link into the NuGet cache would be replaced, never written through. The
        // timestamp is kept so that incremental copies see an unchanged file.
        DateTime stamp = File.GetLastWriteTimeUtc(LibraryPath);
        string temp = LibraryPath + ".glibcxx-tmp";
        File.Copy(LibraryPath, temp, true);
        using (var stream = new FileStream(temp, FileMode.Open, FileAccess.Write))
        {
            WriteU32(stream, fromAux + 0, ElfHash(ToVersion)); // vna_hash
            WriteU32(stream, fromAux + 8, toName);            // vna_name
        }
        File.SetLastWriteTimeUtc(temp, stamp);
        File.Delete(LibraryPath);
        File.Move(temp, LibraryPath);
        Patched = true;

        Log.LogMessage(MessageImportance.High,
            "{0}: requirement {1} on {2} rewritten to {3} (symbols of that version, none relocated: {4})",
            LibraryPath, FromVersion, fileName, ToVersion, string.Join(", ", versionedSymbols));
        return true;
    }

    private static List<string> SymbolsWithVersion(byte[] elf, List<Section> sections, ushort versionIndex, out List<string> relocated)
    {
        var names = new List<string>();
        relocated = new List<string>();
        int dynsymIndex = sections.FindIndex(s => s.Type == ShtDynsym);
        int versymIndex = sections.FindIndex(s => s.Type == ShtGnuVersym);
        if (dynsymIndex < 0 || versymIndex < 0)
            throw new InvalidDataException("no .dynsym/.gnu.version section");
        Section dynsym = sections[dynsymIndex];
        Section versym = sections[versymIndex];
        Section strtab = sections[dynsym.Link];

        int count = dynsym.Size / 24;
        var matches = new HashSet<uint>();
        for (int i = 0; i < count; i++)
        {
            if ((U16(elf, versym.Offset + 2 * i) & 0x7fff) != versionIndex)
                continue;
            matches.Add((uint)i);
            names.Add(CString(elf, strtab.Offset + (int)U32(elf, dynsym.Offset + 24 * i)));
        }

        foreach (Section s in sections)
        {
            if ((s.Type != ShtRela && s.Type != ShtRel) || s.Link != dynsymIndex)
                continue;
            int entSize = s.EntSize != 0 ? s.EntSize : (s.Type == ShtRela ? 24 : 16);
            for (int r = s.Offset; r + entSize <= s.Offset + s.Size; r += entSize)
            {
                uint sym = (uint)(U64(elf, r + 8) >> 32);
                if (matches.Contains(sym))
                    relocated.Add(CString(elf, strtab.Offset + (int)U32(elf, dynsym.Offset + 24 * (int)sym)));
            }
        }
        return names;
    }

    private static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (char c in name)
        {
            h = (h << 4) + (byte)c;
            uint g = h & 0xf0000000;
            if (g != 0)
                h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }

    private static int IndexOf(byte[] data, int start, int length, byte[] needle)
    {
        for (int i = start; i + needle.Length <= start + length; i++)
        {
            int j = 0;
            while (j < needle.Length && data[i + j] == needle[j])
                j++;
            if (j == needle.Length)
                return i;
        }
        return -1;
    }

    private static string CString(byte[] data, int offset)
    {
        int end = Array.IndexOf(data, (byte)0, offset);
        return Encoding.ASCII.GetString(data, offset, end - offset);
    }

    private static ushort U16(byte[] b, int o) { return BitConverter.ToUInt16(b, o); }
    private static uint U32(byte[] b, int o) { return BitConverter.ToUInt32(b, o); }
    private static ulong U64(byte[] b, int o) { return BitConverter.ToUInt64(b, o); }

    private static void WriteU32(Stream stream, int offset, uint value)
    {
        stream.Position = offset;
        stream.Write(BitConverter.GetBytes(value), 0, 4);
    }

    private sealed class Section
    {
        public uint Type;
        public int Offset;
        public int Size;
        public int Link;
        public uint Info;
        public int EntSize;
    }
}
