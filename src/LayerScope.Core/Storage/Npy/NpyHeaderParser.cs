using System.Globalization;
using System.Text;
using LayerScope.Errors;

namespace LayerScope.Storage.Npy;

/// <summary>
/// Reads the Python dict literal of an .npy header: strings, integers, True/False/None, tuples, lists and dicts. It
/// is a parser, never an evaluator: anything else (calls, floats, names) is a format error, so a crafted header can do
/// nothing but fail.
/// </summary>
/// <remarks>Values come back as <see cref="string"/>, <see cref="long"/>, <see cref="bool"/>, null,
/// <see cref="PythonSequence"/> or a dictionary of the same.</remarks>
internal sealed class NpyHeaderParser
{
    private const string Expected = "a Python dict literal such as {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }";

    /// <summary>How deeply dicts, tuples and lists may nest. A real header nests two levels (the dict and its shape
    /// tuple); the parser recurses once per level, so without a bound a header of many thousand '[' would overflow the
    /// stack, which .NET cannot catch and which would end the whole process (a server included).</summary>
    internal const int MaxNesting = 32;

    private readonly string _text;
    private readonly string _sourceName;
    private int _position;
    private int _depth;

    private NpyHeaderParser(string text, string sourceName)
    {
        _text = text;
        _sourceName = sourceName;
    }

    /// <summary>Parses <paramref name="text"/>, which must hold one dict and nothing else but whitespace.</summary>
    /// <exception cref="DataFormatException">The text is not such a literal; the message names the character.</exception>
    public static IReadOnlyDictionary<string, object?> Parse(string text, string sourceName)
    {
        var parser = new NpyHeaderParser(text, sourceName);
        parser.SkipWhitespace();
        if (parser.Peek() != '{') throw parser.Error("the header does not start with '{'");
        var dictionary = parser.ParseDictionary();
        parser.SkipWhitespace();
        if (parser._position < text.Length) throw parser.Error("unexpected text after the closing '}'");
        return dictionary;
    }

    private object? ParseValue()
    {
        SkipWhitespace();
        var c = Peek();
        switch (c)
        {
            case '{': return Nested(ParseDictionary);
            case '(': return Nested(() => ParseSequence(')', isTuple: true));
            case '[': return Nested(() => ParseSequence(']', isTuple: false));
            case '\'' or '"': return ParseString();
            case 'u' or 'b' when _position + 1 < _text.Length && _text[_position + 1] is '\'' or '"':
                _position++;
                return ParseString();
        }
        if (c is '-' or '+' || char.IsAsciiDigit(c)) return ParseInteger();
        if (TryKeyword("True")) return true;
        if (TryKeyword("False")) return false;
        if (TryKeyword("None")) return null;
        throw Error(c == '\0' ? "the header ends in the middle of a value" : $"unexpected '{c}'");
    }

    private object Nested(Func<object> parse)
    {
        // The top-level dict is depth 1.
        if (_depth + 1 >= MaxNesting) throw Error($"values nest deeper than {MaxNesting} levels");
        _depth++;
        try
        {
            return parse();
        }
        finally
        {
            _depth--;
        }
    }

    private Dictionary<string, object?> ParseDictionary()
    {
        _position++; // '{'
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (true)
        {
            SkipWhitespace();
            if (Peek() == '}') { _position++; return result; }
            if (Peek() == '\0') throw Error("the header ends before the closing '}'");
            if (Peek() is not ('\'' or '"')) throw Error("expected a quoted key or '}'");
            var key = ParseString();
            SkipWhitespace();
            if (Peek() != ':') throw Error($"expected ':' after the key '{key}'");
            _position++;
            if (!result.TryAdd(key, ParseValue())) throw Error($"the key '{key}' appears twice");
            SkipWhitespace();
            if (Peek() == ',') { _position++; continue; }
            if (Peek() == '}') { _position++; return result; }
            throw Error("expected ',' or '}'");
        }
    }

    private PythonSequence ParseSequence(char close, bool isTuple)
    {
        _position++; // '(' or '['
        var items = new List<object?>();
        var sawComma = false;
        while (true)
        {
            SkipWhitespace();
            if (Peek() == close) { _position++; break; }
            if (Peek() == '\0') throw Error($"the header ends before the closing '{close}'");
            items.Add(ParseValue());
            SkipWhitespace();
            if (Peek() == ',') { _position++; sawComma = true; continue; }
            if (Peek() == close) { _position++; break; }
            throw Error($"expected ',' or '{close}'");
        }
        // "(3)" is a parenthesised integer in Python, not a tuple; numpy always writes "(3,)".
        if (isTuple && items.Count == 1 && !sawComma) throw Error("a one-element tuple needs a trailing comma, as in (3,)");
        return new PythonSequence(isTuple, items);
    }

    private string ParseString()
    {
        var quote = _text[_position++];
        var builder = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length) throw Error("a string is not closed");
            var c = _text[_position++];
            if (c == quote) return builder.ToString();
            if (c == '\n') throw Error("a string is not closed before the end of the line");
            if (c != '\\') { builder.Append(c); continue; }
            if (_position >= _text.Length) throw Error("a string ends with a backslash");
            var escaped = _text[_position++];
            builder.Append(escaped switch
            {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => '\0',
                '\\' or '\'' or '"' => escaped,
                _ => throw Error($"unsupported escape '\\{escaped}'"),
            });
        }
    }

    private long ParseInteger()
    {
        var start = _position;
        if (Peek() is '-' or '+') _position++;
        while (char.IsAsciiDigit(Peek())) _position++;
        var digits = _text[start.._position];
        if (Peek() is 'L' or 'l') _position++; // Python 2 long literals, as old numpy wrote them: (3L, 4L)
        if (Peek() is '.' or 'e' or 'E') throw Error("only integers are allowed here");
        if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw Error($"'{digits}' is not an integer that fits in 64 bits");
        return value;
    }

    private bool TryKeyword(string keyword)
    {
        if (string.CompareOrdinal(_text, _position, keyword, 0, keyword.Length) != 0) return false;
        var end = _position + keyword.Length;
        if (end < _text.Length && (char.IsAsciiLetterOrDigit(_text[end]) || _text[end] == '_')) return false;
        _position = end;
        return true;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r') _position++;
    }

    private char Peek() => _position < _text.Length ? _text[_position] : '\0';

    private DataFormatException Error(string problem)
    {
        var shown = _text.TrimEnd();
        if (shown.Length > 120) shown = shown[..117] + "...";
        return new DataFormatException(_sourceName, "header", Expected,
            $"{shown} ({problem} at character {Math.Min(_position, _text.Length) + 1})");
    }
}
