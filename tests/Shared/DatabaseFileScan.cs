using System.Text;
using System.Text.Json;

namespace CoCreation.Sdk.Tests.Shared;

/// <summary>Counts a text in raw database files, the way someone reading the disk would find it.</summary>
internal static class DatabaseFileScan
{
    /// <summary>
    /// Occurrences of <paramref name="text"/> in the files that exist among <paramref name="files"/>, in every form
    /// SQLite or the JSON in it may hold it: UTF-8, UTF-16 (little and big endian), and JSON with non-ASCII characters
    /// escaped (upper and lower case hex); ignoring case for the ASCII forms. Files are read while others may hold
    /// them open.
    /// </summary>
    public static int Count(IEnumerable<string> files, string text)
    {
        var escaped = JsonSerializer.Serialize(text)[1..^1];
        var forms = new[] { text, text.ToLowerInvariant(), text.ToUpperInvariant(), escaped, escaped.ToLowerInvariant() }.Distinct(StringComparer.Ordinal).ToList();
        var needles = forms.Select(Encoding.UTF8.GetBytes)
            .Concat(forms.Select(Encoding.Unicode.GetBytes))
            .Concat(forms.Select(Encoding.BigEndianUnicode.GetBytes))
            .ToList();
        var count = 0;
        foreach (var file in files.Where(File.Exists))
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var copy = new MemoryStream())
            {
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }

            foreach (var needle in needles)
            {
                ReadOnlySpan<byte> span = bytes;
                var offset = 0;
                int found;
                while ((found = span[offset..].IndexOf(needle)) >= 0)
                {
                    count++;
                    offset += found + needle.Length;
                }
            }
        }

        return count;
    }

    /// <summary>A SQLite database file with its -wal and -shm files.</summary>
    public static IEnumerable<string> WithJournal(string path) => [path, path + "-wal", path + "-shm"];
}
