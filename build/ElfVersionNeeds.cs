// Reads and edits the symbol-version sections of ELF64 shared libraries.
//
// Why this exists: TorchSharp-cpu 0.107.0's native bridge libLibTorchSharp.so was linked with GCC 13 and records
// that it needs GLIBCXX_3.4.32 for one symbol (std::ios_base_library_init, an anchor GCC 13 emits for <iostream>).
// Debian 12's libstdc++ stops at GLIBCXX_3.4.30, so the dynamic loader refuses the library although nothing it
// calls is missing. Marking that one version requirement VER_FLG_WEAK makes the loader accept its absence.
// The build (TorchSharpNativeFix.targets) applies this to the copy in the output folder only, and only when the
// system libstdc++ does not define the version, so newer systems run the library untouched.
//
// Layout facts below are from the System V ABI and the LSB "Symbol Versioning" chapter
// (Elf64_Ehdr, Elf64_Shdr, Elf64_Verneed, Elf64_Vernaux, Elf64_Verdef, Elf64_Verdaux).
//
// This file is compiled twice: by MSBuild's RoslynCodeTaskFactory (with the task class at the bottom) and by the
// test project with LAYERSCOPE_ELF_TESTS defined (without it), so it sticks to netstandard2.0 APIs.
#nullable disable
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;

namespace LayerScope.Build
{
    /// <summary>One version requirement of a shared library (an Elf64_Vernaux entry).</summary>
    public sealed class ElfVersionNeed
    {
        public ElfVersionNeed(string file, string version, ushort flags, long flagsOffset)
        {
            File = file;
            Version = version;
            Flags = flags;
            FlagsOffset = flagsOffset;
        }

        /// <summary>The library that must provide the version, e.g. libstdc++.so.6.</summary>
        public string File { get; }

        /// <summary>The version name, e.g. GLIBCXX_3.4.32.</summary>
        public string Version { get; }

        /// <summary>vna_flags; 2 (VER_FLG_WEAK) means the loader tolerates its absence.</summary>
        public ushort Flags { get; }

        /// <summary>Byte offset of vna_flags in the file.</summary>
        public long FlagsOffset { get; }

        public bool IsWeak { get { return (Flags & ElfVersionNeeds.VerFlagWeak) != 0; } }
    }

    public static class ElfVersionNeeds
    {
        public const ushort VerFlagWeak = 2;
        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;

        /// <summary>Lists every version requirement in the .gnu.version_r section; empty when the file is not a
        /// little-endian ELF64 file or has no such section.</summary>
        public static List<ElfVersionNeed> ReadVersionNeeds(byte[] elf)
        {
            var needs = new List<ElfVersionNeed>();
            foreach (var section in Sections(elf))
            {
                if (section.Type != ShtGnuVerneed) continue;
                var strtab = SectionAt(elf, section.Link);
                long entry = (long)section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    ushort count = U16(elf, entry + 2);
                    string file = CString(elf, (long)strtab.Offset + U32(elf, entry + 4));
                    long aux = entry + U32(elf, entry + 8);
                    for (int j = 0; j < count; j++)
                    {
                        ushort flags = U16(elf, aux + 4);
                        string name = CString(elf, (long)strtab.Offset + U32(elf, aux + 8));
                        needs.Add(new ElfVersionNeed(file, name, flags, aux + 4));
                        uint nextAux = U32(elf, aux + 12);
                        if (nextAux == 0) break;
                        aux += nextAux;
                    }
                    uint next = U32(elf, entry + 12);
                    if (next == 0) break;
                    entry += next;
                }
            }
            return needs;
        }

        /// <summary>Lists the version names a library defines (its .gnu.version_d section).</summary>
        public static List<string> ReadVersionDefinitions(byte[] elf)
        {
            var names = new List<string>();
            foreach (var section in Sections(elf))
            {
                if (section.Type != ShtGnuVerdef) continue;
                var strtab = SectionAt(elf, section.Link);
                long entry = (long)section.Offset;
                for (uint i = 0; i < section.Info; i++)
                {
                    // Elf64_Verdef: vd_version u16, vd_flags u16, vd_ndx u16, vd_cnt u16, vd_hash u32, vd_aux u32, vd_next u32.
                    long aux = entry + U32(elf, entry + 12);
                    names.Add(CString(elf, (long)strtab.Offset + U32(elf, aux)));
                    uint next = U32(elf, entry + 16);
                    if (next == 0) break;
                    entry += next;
                }
            }
            return names;
        }

        /// <summary>Sets VER_FLG_WEAK on every requirement of <paramref name="version"/>. Returns how many entries
        /// changed (0 when already weak or absent).</summary>
        public static int Weaken(byte[] elf, string version)
        {
            int changed = 0;
            foreach (var need in ReadVersionNeeds(elf))
            {
                if (need.Version != version || need.IsWeak) continue;
                ushort flags = (ushort)(need.Flags | VerFlagWeak);
                elf[need.FlagsOffset] = (byte)(flags & 0xff);
                elf[need.FlagsOffset + 1] = (byte)(flags >> 8);
                changed++;
            }
            return changed;
        }

        /// <summary>Finds the libstdc++.so.6 the dynamic loader would pick: first from <c>ldconfig -p</c>, then from
        /// the usual library folders. Null when none is found.</summary>
        public static string FindSystemLibStdCxx()
        {
            foreach (var ldconfig in new[] { "/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig" })
            {
                try
                {
                    var info = new ProcessStartInfo(ldconfig, "-p")
                    {
                        RedirectStandardOutput = true,
                        RedirectStandardError = true,
                        UseShellExecute = false,
                    };
                    using (var process = Process.Start(info))
                    {
                        string output = process.StandardOutput.ReadToEnd();
                        process.WaitForExit();
                        foreach (var line in output.Split('\n'))
                        {
                            // "\tlibstdc++.so.6 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libstdc++.so.6"
                            var trimmed = line.Trim();
                            if (!trimmed.StartsWith("libstdc++.so.6 ", StringComparison.Ordinal)) continue;
                            if (IntPtr.Size == 8 && !trimmed.Contains("64")) continue;
                            int arrow = trimmed.IndexOf("=> ", StringComparison.Ordinal);
                            if (arrow >= 0 && File.Exists(trimmed.Substring(arrow + 3))) return trimmed.Substring(arrow + 3);
                        }
                    }
                }
                catch (Exception)
                {
                    // ldconfig missing or not runnable here: fall through to the fixed folders.
                }
            }
            foreach (var folder in new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib" })
            {
                var candidate = Path.Combine(folder, "libstdc++.so.6");
                if (File.Exists(candidate)) return candidate;
            }
            return null;
        }

        private struct Section
        {
            public uint Type;
            public ulong Offset;
            public ulong Size;
            public uint Link;
            public uint Info;
        }

        private static IEnumerable<Section> Sections(byte[] elf)
        {
            // e_ident: 0x7f 'E' 'L' 'F', EI_CLASS 2 = ELF64, EI_DATA 1 = little endian.
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F'
                || elf[4] != 2 || elf[5] != 1)
                yield break;
            ulong shoff = U64(elf, 0x28);
            ushort shentsize = U16(elf, 0x3a);
            ushort shnum = U16(elf, 0x3c);
            for (int i = 0; i < shnum; i++)
            {
                long header = (long)shoff + (long)i * shentsize;
                if (header + 64 > elf.Length) yield break;
                yield return ReadSection(elf, header);
            }
        }

        private static Section SectionAt(byte[] elf, uint index)
        {
            ulong shoff = U64(elf, 0x28);
            ushort shentsize = U16(elf, 0x3a);
            return ReadSection(elf, (long)shoff + (long)index * shentsize);
        }

        private static Section ReadSection(byte[] elf, long header)
        {
            // Elf64_Shdr: sh_name u32, sh_type u32, sh_flags u64, sh_addr u64, sh_offset u64, sh_size u64,
            // sh_link u32, sh_info u32, sh_addralign u64, sh_entsize u64.
            return new Section
            {
                Type = U32(elf, header + 4),
                Offset = U64(elf, header + 24),
                Size = U64(elf, header + 32),
                Link = U32(elf, header + 40),
                Info = U32(elf, header + 44),
            };
        }

        private static ushort U16(byte[] b, long at) { return BitConverter.ToUInt16(b, checked((int)at)); }
        private static uint U32(byte[] b, long at) { return BitConverter.ToUInt32(b, checked((int)at)); }
        private static ulong U64(byte[] b, long at) { return BitConverter.ToUInt64(b, checked((int)at)); }

        private static string CString(byte[] b, long at)
        {
            int start = checked((int)at);
            int end = start;
            while (end < b.Length && b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, start, end - start);
        }
    }
}

#if !LAYERSCOPE_ELF_TESTS
namespace LayerScope.Build
{
    /// <summary>MSBuild task: weakens the listed version requirement in the given copies of a native library when the
    /// system libstdc++ does not define that version. Never touches a file outside the folders it is given.</summary>
    public class WeakenMissingGlibcxxVersion : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public string LibraryPath { get; set; }

        [Microsoft.Build.Framework.Required]
        public string Version { get; set; }

        public override bool Execute()
        {
            if (!File.Exists(LibraryPath)) return true;
            byte[] library = File.ReadAllBytes(LibraryPath);
            bool needsIt = false;
            foreach (var need in ElfVersionNeeds.ReadVersionNeeds(library))
                if (need.Version == Version && !need.IsWeak) needsIt = true;
            if (!needsIt) return true;

            string system = ElfVersionNeeds.FindSystemLibStdCxx();
            if (system != null && ElfVersionNeeds.ReadVersionDefinitions(File.ReadAllBytes(system)).Contains(Version))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low,
                    "{0} provides {1}; {2} is left as it is.", system, Version, LibraryPath);
                return true;
            }

            ElfVersionNeeds.Weaken(library, Version);
            // Write a new file and rename it over the old one: the copy in the output folder may be a hard link into
            // the NuGet cache, which must never change. Keep the original time stamp so MSBuild's incremental copy
            // sees an up-to-date file and does not copy the unpatched one back.
            DateTime stamp = File.GetLastWriteTimeUtc(LibraryPath);
            string temporary = LibraryPath + ".patching";
            File.WriteAllBytes(temporary, library);
            File.Delete(LibraryPath);
            File.Move(temporary, LibraryPath);
            File.SetLastWriteTimeUtc(LibraryPath, stamp);
            Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                "LayerScope: {0} lacks {1}; marked that requirement weak in {2}.",
                system ?? "the system libstdc++", Version, LibraryPath);
            return true;
        }
    }
}
#endif
