namespace Persistence.Api.OpenApi;

public sealed class ApiReferenceOptions
{
    public const string SectionName = "ApiReference";

    /// <summary>
    /// Serve the interactive Scalar reference at <c>/scalar</c> (the document itself is always served). Off unless
    /// set: the local stack turns it on; a deployment decides whether its users should have a browser console.
    /// </summary>
    public bool Enabled { get; set; }
}
