namespace Integration.Tests;

/// <summary>
/// One table an explained statement reads (<see cref="QueryPlanTests"/>): the backend's access type, the indexes it
/// reads through (none for a scan of the rows) and whether it reads the whole table.
/// </summary>
public sealed record TableRead(string Table, string Access, IReadOnlyList<string> Indexes, bool FullScan, string Detail);
