namespace LayerScope.Text;

/// <summary>The syntactic context a character sits in, as <see cref="CharacterContextFeatures"/> reads it.</summary>
public enum CharacterContext
{
    /// <summary>Neither in a string nor in a comment: code, or plain prose.</summary>
    Code,

    /// <summary>Inside a string literal or a quotation ("...", including its quote marks).</summary>
    StringLiteral,

    /// <summary>Inside a // line comment or a /* block comment */, including the comment markers.</summary>
    Comment,
}
