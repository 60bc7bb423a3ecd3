// A small parser for Python literal syntax (what Python's `repr` of a dict prints), needed because the
// public Amazon 2014 meta files (meta_<Category>.json.gz) hold one Python dict literal per line, not JSON:
// single-quoted strings (double-quoted when the text has an apostrophe), True/False/None, tuples.
// Semantics follow Python 3's ast.literal_eval for the subset that appears in those files.
using System.Globalization;
using System.Text;

namespace GenRec.Data;

/// <summary>A Python literal could not be parsed; <see cref="Position"/> is the 0-based character offset.</summary>
public sealed class PythonLiteralException(string message, int position) : FormatException($"at character {position + 1}: {message}")
{
    /// <summary>0-based offset in the parsed text.</summary>
    public int Position { get; } = position;
}

/// <summary>
/// Parses one Python literal into .NET values: str → <see cref="string"/>, int → <see cref="long"/>,
/// float → <see cref="double"/>, True/False → <see cref="bool"/>, None → null, list → <see cref="List{T}"/> of
/// object?, tuple → object?[], dict → <see cref="Dictionary{TKey,TValue}"/> of object → object? (keys are
/// strings, numbers or bools; a repeated key keeps the last value, as in Python).
/// Strings accept both quote styles, triple quotes, u/b/r prefixes and the escapes \' \" \\ \n \r \t \a \b
/// \f \v \ooo \xNN \uNNNN \UNNNNNNNN and backslash-newline; \xNN is the code point U+00NN (Python 3 str).
/// Sets, expressions and names other than True/False/None are rejected.
/// </summary>
public static class PythonLiteral
{
    /// <summary>Parses <paramref name="text"/>, which must hold exactly one literal (surrounding whitespace allowed).</summary>
    public static object? Parse(string text)
    {
        var parser = new Parser(text);
        var value = parser.ParseValue();
        parser.SkipWhitespace();
        if (!parser.AtEnd) throw parser.Error("expected the end of the literal");
        return value;
    }

    private sealed class Parser(string text)
    {
        private int _pos;

        public bool AtEnd => _pos >= text.Length;

        public PythonLiteralException Error(string expectation) =>
            new(AtEnd ? $"{expectation}, got the end of the text" : $"{expectation}, got '{text[_pos]}'", _pos);

        public void SkipWhitespace()
        {
            while (!AtEnd && char.IsWhiteSpace(text[_pos])) _pos++;
        }

        public object? ParseValue()
        {
            SkipWhitespace();
            if (AtEnd) throw Error("expected a value");
            var c = text[_pos];
            switch (c)
            {
                case '[': _pos++; return ParseSequence(']').ToList();
                case '(': return ParseParenthesised();
                case '{': _pos++; return ParseDict();
                case '\'' or '"': return ParseString(raw: false, bytes: false);
                case '-' or '+' or '.' or (>= '0' and <= '9'): return ParseNumber();
            }
            if (char.IsLetter(c) || c == '_')
            {
                var start = _pos;
                while (!AtEnd && (char.IsLetterOrDigit(text[_pos]) || text[_pos] == '_')) _pos++;
                var word = text[start.._pos];
                if (!AtEnd && text[_pos] is '\'' or '"' && IsStringPrefix(word))
                {
                    var lower = word.ToLowerInvariant();
                    return ParseString(raw: lower.Contains('r'), bytes: lower.Contains('b'));
                }
                return word switch
                {
                    "None" => null,
                    "True" => true,
                    "False" => false,
                    _ => throw new PythonLiteralException($"expected a literal, got the name '{word}'", start),
                };
            }
            throw Error("expected a value");
        }

        private static bool IsStringPrefix(string word) =>
            word.ToLowerInvariant() is "u" or "b" or "r" or "br" or "rb" or "ur";

        /// <summary>Items up to <paramref name="close"/>, comma separated, trailing comma allowed.</summary>
        private List<object?> ParseSequence(char close)
        {
            var items = new List<object?>();
            while (true)
            {
                SkipWhitespace();
                if (!AtEnd && text[_pos] == close) { _pos++; return items; }
                items.Add(ParseValue());
                SkipWhitespace();
                if (!AtEnd && text[_pos] == ',') { _pos++; continue; }
                if (!AtEnd && text[_pos] == close) { _pos++; return items; }
                throw Error($"expected ',' or '{close}'");
            }
        }

        /// <summary>(x) is x; (), (x,) and (x, y) are tuples.</summary>
        private object? ParseParenthesised()
        {
            _pos++;
            SkipWhitespace();
            if (!AtEnd && text[_pos] == ')') { _pos++; return Array.Empty<object?>(); }
            var first = ParseValue();
            SkipWhitespace();
            if (!AtEnd && text[_pos] == ')') { _pos++; return first; }
            if (AtEnd || text[_pos] != ',') throw Error("expected ',' or ')'");
            _pos++;
            return new[] { first }.Concat(ParseSequence(')')).ToArray();
        }

        private Dictionary<object, object?> ParseDict()
        {
            var dict = new Dictionary<object, object?>();
            while (true)
            {
                SkipWhitespace();
                if (!AtEnd && text[_pos] == '}') { _pos++; return dict; }
                var keyStart = _pos;
                var key = ParseValue();
                if (key is not (string or long or double or bool))
                    throw new PythonLiteralException("expected a dict key that is a string, number or bool", keyStart);
                SkipWhitespace();
                if (AtEnd || text[_pos] != ':')
                    throw Error(dict.Count == 0 && !AtEnd && text[_pos] is ',' or '}' ? "expected ':' (sets are not supported)" : "expected ':'");
                _pos++;
                dict[key] = ParseValue();
                SkipWhitespace();
                if (!AtEnd && text[_pos] == ',') { _pos++; continue; }
                if (!AtEnd && text[_pos] == '}') { _pos++; return dict; }
                throw Error("expected ',' or '}'");
            }
        }

        private object ParseNumber()
        {
            var start = _pos;
            if (text[_pos] is '-' or '+') _pos++;
            while (!AtEnd && (char.IsAsciiDigit(text[_pos]) || text[_pos] is '.' or 'e' or 'E' or '_'
                              || (text[_pos] is '-' or '+' && text[_pos - 1] is 'e' or 'E'))) _pos++;
            var token = text[start.._pos].Replace("_", "");
            if (!AtEnd && text[_pos] is 'L' or 'l') _pos++;   // Python 2 long suffix, as in old repr output
            if (token.Length > 0 && !token.Contains('.') && !token.Contains('e') && !token.Contains('E')
                && long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                return integer;
            if (double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)) return real;
            throw new PythonLiteralException($"expected a number, got '{token}'", start);
        }

        private string ParseString(bool raw, bool bytes)
        {
            var quote = text[_pos];
            var triple = _pos + 2 < text.Length && text[_pos + 1] == quote && text[_pos + 2] == quote;
            var start = _pos;
            _pos += triple ? 3 : 1;
            var builder = new StringBuilder();
            while (true)
            {
                if (AtEnd) throw new PythonLiteralException("unterminated string", start);
                var c = text[_pos];
                if (c == quote && (!triple || (_pos + 2 < text.Length && text[_pos + 1] == quote && text[_pos + 2] == quote)))
                {
                    _pos += triple ? 3 : 1;
                    return builder.ToString();
                }
                if (c == '\n' && !triple) throw new PythonLiteralException("unterminated string (line break inside quotes)", start);
                if (c != '\\') { builder.Append(c); _pos++; continue; }
                if (_pos + 1 >= text.Length) throw new PythonLiteralException("unterminated string", start);
                if (raw) { builder.Append(c).Append(text[_pos + 1]); _pos += 2; continue; }
                AppendEscape(builder, bytes);
            }
        }

        /// <summary>Consumes one backslash escape at the current position.</summary>
        private void AppendEscape(StringBuilder builder, bool bytes)
        {
            var escapeStart = _pos;
            var e = text[_pos + 1];
            _pos += 2;
            switch (e)
            {
                case '\n': return;                        // backslash-newline continues the line
                case '\\' or '\'' or '"': builder.Append(e); return;
                case 'n': builder.Append('\n'); return;
                case 'r': builder.Append('\r'); return;
                case 't': builder.Append('\t'); return;
                case 'a': builder.Append('\a'); return;
                case 'b': builder.Append('\b'); return;
                case 'f': builder.Append('\f'); return;
                case 'v': builder.Append('\v'); return;
                case >= '0' and <= '7':
                    var octal = e - '0';
                    for (var i = 0; i < 2 && !AtEnd && text[_pos] is >= '0' and <= '7'; i++) octal = octal * 8 + (text[_pos++] - '0');
                    builder.Append((char)octal);
                    return;
                case 'x': builder.Append((char)Hex(2, escapeStart)); return;
                case 'u' when !bytes: builder.Append((char)Hex(4, escapeStart)); return;
                case 'U' when !bytes:
                    var codePoint = Hex(8, escapeStart);
                    // A lone surrogate is legal in a Python str but not a valid UTF-32 scalar for ConvertFromUtf32.
                    if (codePoint is >= 0xD800 and <= 0xDFFF) builder.Append((char)codePoint);
                    else builder.Append(char.ConvertFromUtf32(codePoint));
                    return;
                default:                                  // unknown escapes keep the backslash, as Python does
                    builder.Append('\\').Append(e);
                    return;
            }
        }

        private int Hex(int digits, int escapeStart)
        {
            // long, so that 8 digits such as FFFFFFFF stay positive and fail the range check instead of wrapping.
            if (_pos + digits > text.Length
                || !long.TryParse(text.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
                || value > 0x10FFFF)
                throw new PythonLiteralException($"expected {digits} hex digits (at most 10FFFF) after \\{text[escapeStart + 1]}", escapeStart);
            _pos += digits;
            return (int)value;
        }
    }
}
