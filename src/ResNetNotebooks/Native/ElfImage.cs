using System.Buffers.Binary;
using System.Text;

namespace ResNetNotebooks.Native;

/// <summary>
/// A minimal reader of 64-bit little-endian ELF shared libraries: just enough to see which symbol versions a library
/// needs (<c>.gnu.version_r</c>), which ones it defines (<c>.gnu.version_d</c>) and which dynamic symbols are bound
/// to a version (<c>.gnu.version</c> + <c>.dynsym</c>). It reads the bytes into memory and never writes the file.
/// </summary>
internal sealed class ElfImage
{
    private const uint ShtDynsym = 11;
    private const uint ShtGnuVerdef = 0x6ffffffd;
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const uint ShtGnuVersym = 0x6fffffff;

    /// <summary>The <c>vna_flags</c> bit that makes a version need weak: the loader warns instead of refusing.</summary>
    public const ushort VerFlagWeak = 0x2;

    private readonly record struct Section(uint Type, ulong Offset, ulong Size, uint Link, ulong EntrySize);

    private readonly Section[] _sections;

    /// <summary>The file's bytes (a private copy: changing them does not change the file).</summary>
    public byte[] Bytes { get; }

    /// <summary>Where the bytes came from, for messages.</summary>
    public string Path { get; }

    private ElfImage(string path, byte[] bytes)
    {
        Path = path;
        Bytes = bytes;
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new InvalidDataException($"{path} is not an ELF file (it does not start with 0x7F 'ELF').");
        }
        if (bytes[4] != 2 || bytes[5] != 1)
        {
            throw new InvalidDataException(
                $"{path} is not a 64-bit little-endian ELF file (class {bytes[4]}, data {bytes[5]}); only linux-x64 libraries are supported.");
        }
        var shoff = U64(0x28);
        var shentsize = U16(0x3A);
        var shnum = U16(0x3C);
        if (shoff == 0 || shnum == 0 || shoff + (ulong)shentsize * shnum > (ulong)bytes.Length)
        {
            throw new InvalidDataException($"{path} has no readable section table (truncated or stripped of sections?).");
        }
        _sections = new Section[shnum];
        for (var i = 0; i < shnum; i++)
        {
            var h = (int)(shoff + (ulong)(i * shentsize));
            _sections[i] = new Section(U32(h + 4), U64(h + 0x18), U64(h + 0x20), U32(h + 0x28), U64(h + 0x38));
        }
    }

    /// <summary>Reads an ELF file from disk.</summary>
    public static ElfImage Read(string path) => new(path, File.ReadAllBytes(path));

    /// <summary>One entry of <c>.gnu.version_r</c>: the library needs <see cref="Version"/> from <see cref="File"/>.</summary>
    /// <param name="File">The needed library's name, e.g. <c>libstdc++.so.6</c>.</param>
    /// <param name="Version">The version name, e.g. <c>GLIBCXX_3.4.32</c>.</param>
    /// <param name="Flags">The <c>vna_flags</c> field; <see cref="VerFlagWeak"/> marks the need weak.</param>
    /// <param name="Index">The <c>vna_other</c> field: the version index symbols refer to in <c>.gnu.version</c>.</param>
    /// <param name="FlagsOffset">The file offset of the 2-byte <c>vna_flags</c> field.</param>
    public readonly record struct VersionNeed(string File, string Version, ushort Flags, ushort Index, int FlagsOffset)
    {
        /// <summary>True when the loader only warns if the version is missing.</summary>
        public bool IsWeak => (Flags & VerFlagWeak) != 0;
    }

    /// <summary>All version needs of the library, in file order.</summary>
    public IReadOnlyList<VersionNeed> VersionNeeds()
    {
        var result = new List<VersionNeed>();
        foreach (var s in _sections.Where(s => s.Type == ShtGnuVerneed))
        {
            var strtab = _sections[s.Link];
            var entry = (int)s.Offset;
            while (true)
            {
                var count = U16(entry + 2);
                var file = Str(strtab, U32(entry + 4));
                var aux = entry + (int)U32(entry + 8);
                for (var i = 0; i < count; i++)
                {
                    result.Add(new VersionNeed(file, Str(strtab, U32(aux + 8)), U16(aux + 4), U16(aux + 6), aux + 4));
                    var nextAux = U32(aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                var next = U32(entry + 12);
                if (next == 0) break;
                entry += (int)next;
            }
        }
        return result;
    }

    /// <summary>The version names the library defines (<c>.gnu.version_d</c>), e.g. every <c>GLIBCXX_3.4.x</c> of libstdc++.</summary>
    public IReadOnlySet<string> VersionDefinitions()
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in _sections.Where(s => s.Type == ShtGnuVerdef))
        {
            var strtab = _sections[s.Link];
            var entry = (int)s.Offset;
            while (true)
            {
                var count = U16(entry + 6);
                var aux = entry + (int)U32(entry + 12);
                for (var i = 0; i < count; i++)
                {
                    result.Add(Str(strtab, U32(aux)));
                    var nextAux = U32(aux + 4);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                var next = U32(entry + 16);
                if (next == 0) break;
                entry += (int)next;
            }
        }
        return result;
    }

    /// <summary>The dynamic symbols whose version index (in <c>.gnu.version</c>) is <paramref name="versionIndex"/>.</summary>
    public IReadOnlyList<string> SymbolsBoundToVersion(ushort versionIndex)
    {
        var versym = _sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        var dynsym = _sections.FirstOrDefault(s => s.Type == ShtDynsym);
        if (versym.Size == 0 || dynsym.Size == 0 || dynsym.EntrySize == 0)
        {
            return [];
        }
        var strtab = _sections[dynsym.Link];
        var count = (int)(dynsym.Size / dynsym.EntrySize);
        var result = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var index = (ushort)(U16((int)versym.Offset + 2 * i) & 0x7fff);
            if (index == versionIndex)
            {
                result.Add(Str(strtab, U32((int)(dynsym.Offset + (ulong)i * dynsym.EntrySize))));
            }
        }
        return result;
    }

    private ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(at, 2));
    private uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(at, 4));
    private ulong U64(int at) => BinaryPrimitives.ReadUInt64LittleEndian(Bytes.AsSpan(at, 8));

    private string Str(Section strtab, uint offset)
    {
        var start = (int)(strtab.Offset + offset);
        var end = Array.IndexOf(Bytes, (byte)0, start);
        return Encoding.ASCII.GetString(Bytes, start, end - start);
    }
}
