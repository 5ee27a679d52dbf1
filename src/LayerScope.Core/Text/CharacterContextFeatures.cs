namespace LayerScope.Text;

/// <summary>
/// Character-context features of a text, one value per character: what a character-level network would have to track
/// to predict the next character (Karpathy, Johnson and Fei-Fei 2015, "Visualizing and Understanding Recurrent
/// Networks"). Each value describes the state <em>after</em> reading that character, the moment the network's cell
/// holds it: an opening quote is already inside the string, a closing brace is already one level out.
/// </summary>
/// <remarks>
/// A light C-family lexer, good for C#, Java, C, JavaScript and for prose: "..." strings with backslash escapes,
/// raw strings opened by three or more quotes (closed by as many), '.' character literals (an apostrophe that does not
/// close a literal, as in <c>don't</c>, is an ordinary character), // line comments and /* block comments */. Brackets
/// inside strings and comments do not count toward the depths. Indices are UTF-16 code units, like
/// <see cref="string"/>.
/// </remarks>
public sealed class CharacterContextFeatures
{
    private CharacterContextFeatures(string text)
    {
        Text = text;
        int n = text.Length;
        Context = new CharacterContext[n];
        BraceDepth = new int[n];
        ParenDepth = new int[n];
        BracketDepth = new int[n];
        PositionInLine = new int[n];
        WordStart = new bool[n];
        SentenceEnd = new bool[n];
        Lex();
    }

    /// <summary>The text the features describe.</summary>
    public string Text { get; }

    /// <summary>Code, string or comment, per character.</summary>
    public CharacterContext[] Context { get; }

    /// <summary>Open { braces after each character (outside strings and comments), never below 0.</summary>
    public int[] BraceDepth { get; }

    /// <summary>Open ( parentheses after each character.</summary>
    public int[] ParenDepth { get; }

    /// <summary>Open [ brackets after each character.</summary>
    public int[] BracketDepth { get; }

    /// <summary>Characters since the last line break, counting this one; a line break itself is 0.</summary>
    public int[] PositionInLine { get; }

    /// <summary>True for a letter, digit or underscore that follows none of them.</summary>
    public bool[] WordStart { get; }

    /// <summary>True for '.', '!' or '?' outside code brackets that is followed by white space or the end of the text
    /// and preceded by a letter, digit or closing quote.</summary>
    public bool[] SentenceEnd { get; }

    /// <summary>Reads <paramref name="text"/> once and computes every feature.</summary>
    public static CharacterContextFeatures Compute(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new CharacterContextFeatures(text);
    }

    /// <summary>The features as named numeric series, for correlation with cells: in string, in comment, brace depth,
    /// paren depth, bracket depth, nesting depth (all three), position in line, word start, sentence end.</summary>
    public IReadOnlyList<ContextFeature> All() =>
    [
        new("in string", "1 inside a string literal or quotation (quote marks included), else 0", Indicator(c => c == CharacterContext.StringLiteral)),
        new("in comment", "1 inside a // or /* */ comment (markers included), else 0", Indicator(c => c == CharacterContext.Comment)),
        new("brace depth", "open { braces", BraceDepth.Select(d => (double)d).ToArray()),
        new("paren depth", "open ( parentheses", ParenDepth.Select(d => (double)d).ToArray()),
        new("bracket depth", "open [ brackets", BracketDepth.Select(d => (double)d).ToArray()),
        new("nesting depth", "open braces, parentheses and brackets together",
            Enumerable.Range(0, Text.Length).Select(i => (double)(BraceDepth[i] + ParenDepth[i] + BracketDepth[i])).ToArray()),
        new("position in line", "characters since the last line break", PositionInLine.Select(p => (double)p).ToArray()),
        new("word start", "1 for the first character of a word, else 0", WordStart.Select(b => b ? 1.0 : 0.0).ToArray()),
        new("sentence end", "1 for a full stop, ! or ? that ends a sentence, else 0", SentenceEnd.Select(b => b ? 1.0 : 0.0).ToArray()),
    ];

    private double[] Indicator(Func<CharacterContext, bool> test) => Context.Select(c => test(c) ? 1.0 : 0.0).ToArray();

    private void Lex()
    {
        string t = Text;
        int n = t.Length;
        int brace = 0, paren = 0, bracket = 0, column = 0;
        int i = 0;
        while (i < n)
        {
            char c = t[i];
            int start = i;
            CharacterContext context = CharacterContext.Code;
            if (c == '/' && i + 1 < n && t[i + 1] == '/')
            {
                context = CharacterContext.Comment;
                while (i < n && t[i] != '\n') i++;
            }
            else if (c == '/' && i + 1 < n && t[i + 1] == '*')
            {
                context = CharacterContext.Comment;
                int close = t.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? n : close + 2;
            }
            else if (c == '"')
            {
                context = CharacterContext.StringLiteral;
                int quotes = Run(t, i, '"');
                if (quotes >= 3)
                {
                    int close = t.IndexOf(new string('"', quotes), i + quotes, StringComparison.Ordinal);
                    i = close < 0 ? n : close + quotes;
                }
                else if (quotes == 2)
                {
                    i += 2; // the empty string ""
                }
                else
                {
                    i++;
                    while (i < n && t[i] != '"' && t[i] != '\n') i += t[i] == '\\' && i + 1 < n ? 2 : 1;
                    if (i < n && t[i] == '"') i++;
                }
            }
            else if (c == '\'' && CharLiteralLength(t, i) is int length and > 0)
            {
                context = CharacterContext.StringLiteral;
                i += length;
            }
            else
            {
                i++;
            }

            i = Math.Min(i, n);
            for (int k = start; k < i; k++)
            {
                Context[k] = context;
                if (context == CharacterContext.Code)
                {
                    switch (t[k])
                    {
                        case '{': brace++; break;
                        case '}': brace = Math.Max(0, brace - 1); break;
                        case '(': paren++; break;
                        case ')': paren = Math.Max(0, paren - 1); break;
                        case '[': bracket++; break;
                        case ']': bracket = Math.Max(0, bracket - 1); break;
                    }
                }
                BraceDepth[k] = brace;
                ParenDepth[k] = paren;
                BracketDepth[k] = bracket;
                column = t[k] == '\n' ? 0 : column + 1;
                PositionInLine[k] = column;
                WordStart[k] = IsWord(t[k]) && (k == 0 || !IsWord(t[k - 1]));
                SentenceEnd[k] = t[k] is '.' or '!' or '?'
                    && (k + 1 == n || char.IsWhiteSpace(t[k + 1]))
                    && k > 0 && (char.IsLetterOrDigit(t[k - 1]) || t[k - 1] is '"' or '\'' or ')');
            }
        }
    }

    private static bool IsWord(char c) => char.IsLetterOrDigit(c) || c == '_';

    private static int Run(string t, int i, char c)
    {
        int k = i;
        while (k < t.Length && t[k] == c) k++;
        return k - i;
    }

    /// <summary>Length of the character literal starting at <paramref name="i"/> ('x' or '\x' or '\uXXXX'), or 0.</summary>
    private static int CharLiteralLength(string t, int i)
    {
        if (i + 2 < t.Length && t[i + 1] != '\\' && t[i + 1] != '\n' && t[i + 2] == '\'') return 3;
        if (i + 3 < t.Length && t[i + 1] == '\\' && t[i + 3] == '\'') return 4;
        if (i + 7 < t.Length && t[i + 1] == '\\' && t[i + 2] == 'u' && t[i + 7] == '\'') return 8;
        return 0;
    }
}
