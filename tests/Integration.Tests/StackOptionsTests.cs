using AppHost;
using Persistence.Contracts;

namespace Integration.Tests;

/// <summary>AppHost's command line: every documented option as written, and no flag that eats the next one.</summary>
public sealed class StackOptionsTests
{
    [Fact]
    public void Flags_without_a_value_never_swallow_the_next_option()
    {
        var options = StackOptions.Parse(["--quiet", "--replicas", "4", "--no-dashboard", "--workers", "2", "--no-restart", "--gateway-port", "0"]);

        Assert.False(options.EchoLogs);
        Assert.False(options.Dashboard);
        Assert.False(options.RestartOnCrash);
        Assert.Equal(4, options.Replicas);
        Assert.Equal(2, options.Workers);
        Assert.Equal(0, options.GatewayPort);
        Assert.Empty(options.AspireArguments);
    }

    [Fact]
    public void Every_documented_option_is_read_and_the_defaults_are_the_documented_ones()
    {
        var defaults = StackOptions.Parse([]);
        var options = StackOptions.Parse([
            "--gateway-port", "9000", "--gateways", "2", "--redis-fsync", "always", "--redis-maxmemory", "1gb",
            "--flush-niceness", "0", "--mysql-buffer-pool", "4G", "--state-dir", "/tmp/somewhere", "--api-setting", "Ingest__MaxItems=10",
            "--worker-setting", "Flush__BatchSize=500", "--gateway-setting", "RateLimits__Requests__PerSecond=5"]);

        Assert.Equal((8000, 3, 1, 1, "everysec", "4gb", 10, true, true, true), (defaults.GatewayPort, defaults.Replicas, defaults.Workers, defaults.Gateways, defaults.RedisAppendFsync, defaults.RedisMaxMemory, defaults.FlushNiceness, defaults.EchoLogs, defaults.Dashboard, defaults.RestartOnCrash));
        Assert.Equal((9000, 2, "always", "1gb", 0, "/tmp/somewhere"), (options.GatewayPort, options.Gateways, options.RedisAppendFsync, options.RedisMaxMemory, options.FlushNiceness, options.StateDirectory));
        Assert.Equal(("1G", "4G"), (defaults.MySqlBufferPool, options.MySqlBufferPool));
        Assert.Equal("10", options.ApiSettings["Ingest__MaxItems"]);
        Assert.Equal("500", options.WorkerSettings["Flush__BatchSize"]);
        Assert.Equal("5", options.GatewaySettings["RateLimits__Requests__PerSecond"]);
    }

    [Fact]
    public void Shards_seed_the_layout_of_the_API_and_the_worker_alike_and_stay_within_the_limit()
    {
        var options = StackOptions.Parse(["--shards", "4"]);

        Assert.Equal("4", options.ApiSettings["Streams__Shards"]);
        Assert.Equal("4", options.WorkerSettings["Streams__Shards"]);
        Assert.Contains("--shards is 1 to 64", Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--shards", "65"])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--shards", "0"]));
    }

    [Fact]
    public void Aspire_s_own_options_pass_through_and_a_typo_is_refused_with_the_list_of_options()
    {
        var options = StackOptions.Parse(["--publisher", "manifest", "--output-path", "out.json", "--Parameters:x", "1"]);
        var typo = Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--replica", "2"]));
        var missing = Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--replicas", "--quiet"]));
        var badFsync = Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--redis-fsync", "never"]));
        var badPool = Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--mysql-buffer-pool", "lots"]));

        Assert.Equal(["--publisher", "manifest", "--output-path", "out.json", "--Parameters:x", "1"], options.AspireArguments);
        Assert.Contains("Unknown option --replica.", typo.Message, StringComparison.Ordinal);
        Assert.Contains("--replicas N", typo.Message, StringComparison.Ordinal);
        Assert.Equal("--replicas needs a value.", missing.Message);
        Assert.Equal("--redis-fsync is always or everysec.", badFsync.Message);
        Assert.Equal("--mysql-buffer-pool is a size such as 512M or 4G.", badPool.Message);
    }

    [Fact]
    public void Redis_cluster_runs_three_or_more_masters_and_fewer_are_refused_with_the_reason()
    {
        var two = Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--redis-cluster", "2"]));
        var missing = Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--redis-cluster", "--quiet"]));

        Assert.Equal(0, StackOptions.Parse([]).RedisClusterNodes);
        Assert.Equal(3, StackOptions.Parse(["--redis-cluster", "3"]).RedisClusterNodes);
        Assert.Equal(6, StackOptions.Parse(["--redis-cluster", "6", "--quiet"]).RedisClusterNodes);
        Assert.Equal(
            "--redis-cluster needs at least 3 masters (redis-cli --cluster create builds none smaller); got 2. Leave the option out for the single Redis.",
            two.Message);
        Assert.Equal("--redis-cluster needs a value.", missing.Message);
        Assert.Contains("--redis-cluster N", StackOptions.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void Database_is_mysql_by_default_takes_mariadb_as_its_alias_and_postgres_and_refuses_anything_else()
    {
        var other = Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--database", "sqlite"]));
        var missing = Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--database", "--quiet"]));

        Assert.Equal(StorageBackends.MySql, StackOptions.Parse([]).Database);
        Assert.Equal(StorageBackends.MySql, StackOptions.Parse(["--database", "mysql"]).Database);
        Assert.Equal(StorageBackends.MySql, StackOptions.Parse(["--database", "mariadb"]).Database);
        Assert.Equal(StorageBackends.PostgreSql, StackOptions.Parse(["--database", "postgres", "--quiet"]).Database);
        Assert.True(StackOptions.Parse(["--database", "postgres"]).IsPostgreSql);
        Assert.Equal("--database is mysql (or mariadb) or postgres; got sqlite.", other.Message);
        Assert.Equal("--database needs a value.", missing.Message);
        Assert.Contains("--database mysql|postgres", StackOptions.Usage, StringComparison.Ordinal);
    }

    [Fact]
    public void MariaDB_s_options_are_refused_with_postgres_in_either_order_and_the_binary_log_is_off()
    {
        var binlog = Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--binlog", "on", "--database", "postgres"]));
        var binlogAfter = Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--database", "postgres", "--binlog", "on"]));
        var pool = Assert.Throws<ArgumentException>(() => StackOptions.Parse(["--database", "postgres", "--mysql-buffer-pool", "2G"]));

        Assert.Equal(binlog.Message, binlogAfter.Message);
        Assert.StartsWith("--binlog on is MariaDB's binary log", binlog.Message, StringComparison.Ordinal);
        Assert.StartsWith("--mysql-buffer-pool sizes MariaDB's InnoDB", pool.Message, StringComparison.Ordinal);
        Assert.False(StackOptions.Parse(["--database", "postgres"]).BinaryLog);
        Assert.False(StackOptions.Parse(["--database", "postgres", "--binlog", "off"]).BinaryLog);
        Assert.True(StackOptions.Parse(["--database", "mariadb"]).BinaryLog);
    }
}
