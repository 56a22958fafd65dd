using System.Text;
using Translation.Worker.Backup.MySql;

namespace Translation.Worker.Tests;

/// <summary>A dump replayed by another account than the one that made it: the definers are left out, nothing else.</summary>
public sealed class DumpDefinersTests
{
    [Fact]
    public async Task A_trigger_as_mariadb_dump_writes_it_loses_its_definer_and_keeps_everything_else()
    {
        // As mariadb-dump 10.11 writes the trigger of migration 0006.
        const string dump = """
            DELIMITER ;;
            /*!50003 CREATE*/ /*!50017 DEFINER=`persistence`@`%`*/ /*!50003 TRIGGER IF NOT EXISTS trg_jobs_requested AFTER INSERT ON translation_jobs FOR EACH ROW
            INSERT INTO translation_job_events (job_id) VALUES (NEW.job_id) */;;
            DELIMITER ;
            /*!50001 CREATE ALGORITHM=UNDEFINED */ /*!50013 DEFINER='root'@'localhost' SQL SECURITY DEFINER */ /*!50001 VIEW `v` AS SELECT 1 */;
            INSERT INTO `translation_tasks` VALUES ('t1','DEFINER=`x`@`y` is text in a row');
            """;

        using var output = new MemoryStream();
        await DumpDefiners.CopyAsync(new MemoryStream(Encoding.UTF8.GetBytes(dump)), output, CancellationToken.None);
        var replayed = Encoding.UTF8.GetString(output.ToArray());

        Assert.DoesNotContain("DEFINER=`persistence`", replayed, StringComparison.Ordinal);
        Assert.DoesNotContain("DEFINER='root'", replayed, StringComparison.Ordinal);
        Assert.Contains("/*!50003 CREATE*/ /*!50017 */ /*!50003 TRIGGER IF NOT EXISTS trg_jobs_requested", replayed, StringComparison.Ordinal);
        Assert.Contains("/*!50013 SQL SECURITY DEFINER */", replayed, StringComparison.Ordinal);
        Assert.Contains("'DEFINER=`x`@`y` is text in a row'", replayed, StringComparison.Ordinal);
        Assert.Equal(dump.Split('\n').Length, replayed.TrimEnd('\n').Split('\n').Length);
    }
}
