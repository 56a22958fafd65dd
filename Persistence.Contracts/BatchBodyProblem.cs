namespace Persistence.Contracts;

/// <summary>Why a batch body cannot be read the one way the gateway and the API both read it.</summary>
public enum BatchBodyProblem
{
    None,

    /// <summary>A leading UTF-8 byte order mark, which the serializer would skip and a plain JSON reader would not.</summary>
    ByteOrderMark,

    /// <summary>A top-level property twice (however escaped): the serializer keeps the last, a counter may see the first.</summary>
    DuplicateProperty,

    /// <summary>More items than the caller allows; reading stopped there.</summary>
    TooManyItems,

    /// <summary>
    /// A string or property name that is not well-formed Unicode: bytes that are not UTF-8, or an escaped surrogate
    /// without its partner (<c>"\ud800"</c>).
    /// </summary>
    IllFormedText,

    /// <summary>Not one JSON object; the serializer explains what is wrong.</summary>
    Malformed,
}
