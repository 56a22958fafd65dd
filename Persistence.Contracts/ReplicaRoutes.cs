namespace Persistence.Contracts;

/// <summary>
/// A service instance's own operator routes and markers, outside <c>/api</c> so that no gateway route reaches them:
/// the AppHost calls them on one replica with the internal credential, and the release each instance runs.
/// </summary>
public static class ReplicaRoutes
{
    /// <summary>POST: out of rotation (unready) before a stop; DELETE: back in; GET: in-flight requests and idle time.</summary>
    public const string Drain = "/replica/drain";

    /// <summary>
    /// The environment variable the AppHost gives every service with the release it runs, read from the state folder's
    /// release file at each start; each service shows it in the <c>X-Service-Release</c> header of its health answers.
    /// </summary>
    public const string ReleaseVariable = "Service__Release";

    /// <summary>The file in the state folder holding the release name the next (re)started service gets.</summary>
    public const string ReleaseFile = "release";
}
