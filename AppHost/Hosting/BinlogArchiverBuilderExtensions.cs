using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using MySqlConnector;
using Persistence.Contracts;

namespace AppHost.Hosting;

public static class BinlogArchiverBuilderExtensions
{
    /// <summary>
    /// Streams MariaDB's binary log into the archive folder (<see cref="WithArchiveDirectory"/>) under the server id of
    /// the data folder it comes from. Every start resumes with the last file archived (copied again from its beginning)
    /// or, for a server not archived before, its first one. The archiver's own account may read the log and nothing
    /// else; a second account, for the restore's replay, is created beside it (<see cref="WithReplayDatabase"/>).
    /// </summary>
    public static IResourceBuilder<BinlogArchiverResource> AddBinlogArchiver(
        this IResourceBuilder<MariaDbServerResource> server,
        string name,
        IResourceBuilder<ParameterResource> archiverPassword,
        IResourceBuilder<ParameterResource> replayPassword)
    {
        var resource = new BinlogArchiverResource(name, Prerequisites.Find("mariadb-binlog"), server.Resource);
        server.Resource.InitStatements.Add(async cancellationToken => Account(
            BinlogArchiverResource.User, await archiverPassword.Resource.GetValueAsync(cancellationToken) ?? "", "REPLICATION SLAVE, BINLOG MONITOR ON *.*"));
        server.Resource.InitStatements.Add(async cancellationToken => Account(
            BinlogArchiverResource.ReplayUser, await replayPassword.Resource.GetValueAsync(cancellationToken) ?? "", "BINLOG REPLAY ON *.*")
            + (resource.ReplayDatabase is { } database
                ? string.Create(CultureInfo.InvariantCulture, $"GRANT ALL PRIVILEGES ON `{database}`.* TO '{BinlogArchiverResource.ReplayUser}'@'127.0.0.1';\n")
                : ""));

        return server.ApplicationBuilder.AddResource(resource)
            // Only --stop-datetime reads the time zone, but a log line's time should read like the rest.
            .WithEnvironment("TZ", "UTC")
            .WithArgs(async context =>
            {
                var password = await archiverPassword.Resource.GetValueAsync(context.CancellationToken) ?? "";
                var endpoint = server.Resource.Address.Endpoint;
                var (serverId, logs) = await ReadServerAsync(endpoint.Host, endpoint.Port, password, context.CancellationToken);
                var archiveDirectory = resource.ArchiveDirectory;
                var target = Path.Combine(archiveDirectory, BinlogArchiveLayout.ServerFolder(serverId));
                Directory.CreateDirectory(target);
                var archived = BinlogArchiveLayout.Files(target).Select(Path.GetFileName).LastOrDefault(logs.Contains);
                // The password in an owner-only option file, not on the command line where any local user could read it.
                var optionFile = Path.Combine(archiveDirectory, "archiver.cnf");
                OwnerOnlyFile.Write(optionFile, $"[client]\nhost={endpoint.Host}\nport={endpoint.Port}\nuser={BinlogArchiverResource.User}\npassword=\"{password}\"\nprotocol=tcp\n");

                // The option file must come first: the client reads it only there.
                context.Args.Add($"--defaults-extra-file={optionFile}");
                foreach (var argument in (string[])[
                    "--read-from-remote-server",
                    "--raw",
                    "--stop-never",
                    string.Create(CultureInfo.InvariantCulture, $"--stop-never-slave-server-id={serverId + BinaryLog.ReplicaIdOffset}"),
                    // A folder, with its separator: each file keeps the server's name for it.
                    $"--result-file={target}{Path.DirectorySeparatorChar}",
                    archived ?? logs[0]])
                {
                    context.Args.Add(argument);
                }
            })
            .WaitFor(server)
            .WithIconName("Archive");
    }

    /// <summary>
    /// The archive folder (created now), outside the server's data folder, so a lost data disk leaves it.
    /// </summary>
    public static IResourceBuilder<BinlogArchiverResource> WithArchiveDirectory(this IResourceBuilder<BinlogArchiverResource> archiver, string directory)
    {
        archiver.Resource.ArchiveDirectory = directory;
        return archiver.RunsIn(directory);
    }

    /// <summary>The database a point-in-time restore replays the archived log into, granted to the replay account.</summary>
    public static IResourceBuilder<BinlogArchiverResource> WithReplayDatabase(this IResourceBuilder<BinlogArchiverResource> archiver, string database)
    {
        archiver.Resource.ReplayDatabase = database;
        return archiver;
    }

    private static string Account(string user, string password, string grant) =>
        $"CREATE USER IF NOT EXISTS '{user}'@'127.0.0.1' IDENTIFIED BY '{password}';\n"
        + $"ALTER USER '{user}'@'127.0.0.1' IDENTIFIED BY '{password}';\n"
        + $"GRANT {grant} TO '{user}'@'127.0.0.1';\n";

    /// <summary>The server's id and its binary-log files, oldest first, as the archiver's own account sees them.</summary>
    private static async Task<(long ServerId, IReadOnlyList<string> Logs)> ReadServerAsync(string host, int port, string password, CancellationToken cancellationToken)
    {
        var connectionString = new MySqlConnectionStringBuilder
        {
            Server = host,
            Port = (uint)port,
            UserID = BinlogArchiverResource.User,
            Password = password,
            Pooling = false,
        }.ConnectionString;
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var id = new MySqlCommand("SELECT @@server_id", connection);
        var serverId = Convert.ToInt64(await id.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        var logs = new List<string>();
        await using var list = new MySqlCommand("SHOW BINARY LOGS", connection);
        await using var reader = await list.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            logs.Add(reader.GetString(0));
        }

        return logs.Count > 0 ? (serverId, logs) : throw new InvalidOperationException("MariaDB lists no binary log: is it started with --log-bin?");
    }
}
