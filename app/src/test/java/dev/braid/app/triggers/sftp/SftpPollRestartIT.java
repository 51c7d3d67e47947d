package dev.braid.app.triggers.sftp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.braid.app.support.ServerProcess;
import dev.braid.app.support.ServerProcesses;
import dev.braid.app.support.TestKafka;
import dev.braid.app.support.TestSftp;

/**
 * Exactly one run per file dropped on an SFTP server (ARCHITECTURE §3), through the poll trigger and
 * {@code sftp.newFiles}: the server runs as its own JVM and is killed with SIGKILL while it works through 1,000
 * files in each of two folders — {@code inbox}, whose files are moved to {@code inbox/done} after their runs are
 * committed ({@code processed: move}), and {@code drop}, whose 1,000 files all carry the same modification time and
 * stay where they are ({@code processed: remember}, the cursor being time + path). A new server goes on: a file
 * whose run was committed but whose move the kill prevented is listed again and starts nothing.
 */
class SftpPollRestartIT {

    private static final Logger log = LoggerFactory.getLogger(SftpPollRestartIT.class);
    private static final String PASSWORD = "sftp-restart-pw";
    private static final int FILES = 1_000;

    @RegisterExtension
    final ServerProcesses servers = new ServerProcesses();

    private final TestSftp sftp = new TestSftp();

    @AfterEach
    void stopServer() {
        sftp.close();
    }

    @Test
    void aThousandFilesWithASigkillInTheMiddleMakeExactlyAThousandRunsPerFolder() throws Exception {
        Path inbox = Files.createDirectories(sftp.root().resolve("inbox"));
        Path drop = Files.createDirectories(sftp.root().resolve("drop"));
        FileTime same = FileTime.from(Instant.parse("2026-12-01T10:00:00Z"));
        for (int i = 0; i < FILES; i++) {
            // As uploaders do: a partial name first, renamed when complete, so a poll never takes half a file.
            Path part = Files.writeString(inbox.resolve("order-" + i + ".part"), "{\"n\": " + i + "}");
            Files.move(part, inbox.resolve("order-" + i + ".json"));
            Files.setLastModifiedTime(Files.writeString(drop.resolve(String.format("reading-%04d.json", i)), "{}"), same);
        }
        ServerProcess first = start();
        first.braid().saveConnection(Map.of("name", "partner", "connector", "sftp", "settings", sftp.connectionSettings()));
        first.braid().saveRecipe("""
                slug: inbox
                name: One run per dropped order file, moved to done
                trigger:
                  poll:
                    connection: partner
                    every: 200ms
                    action: sftp.newFiles
                    with: { dir: inbox, pattern: "*.json", processed: move, moveTo: inbox/done, limit: 100 }
                steps:
                  - id: order
                    action: sftp.read
                    connection: partner
                    with: { path: ["{{ trigger.body.movedTo }}", "{{ trigger.body.path }}"], as: json }
                """);
        first.braid().saveRecipe("""
                slug: drop
                name: One run per reading, files left in place
                trigger:
                  poll:
                    connection: partner
                    every: 200ms
                    action: sftp.newFiles
                    with: { dir: drop, pattern: "*.json", processed: remember, after: "{{ cursor }}", limit: 100 }
                    cursor: position
                    initialCursor: ""
                steps:
                  - id: name
                    action: core.transform
                    with: { value: "{{ trigger.body.name }}" }
                """);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                .until(() -> servers.count("select count(*) from trigger_events where recipe = 'inbox'") >= 200);
        long before = servers.count("select count(*) from trigger_events where recipe = 'inbox'");
        first.kill();   // SIGKILL: a poll may be between its commit and its moves
        log.info("Killed the server after {} inbox files had their run", before);

        ServerProcess second = start();
        Instant restarted = Instant.now();
        await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(250))
                .until(() -> servers.count("select count(*) from trigger_events where recipe = 'inbox'") == FILES
                        && servers.count("select count(*) from trigger_events where recipe = 'drop'") == FILES
                        && servers.count("select count(*) from runs where recipe = 'inbox' and status = 'succeeded'") == FILES
                        && doneFiles(inbox) == FILES);
        Duration took = Duration.between(restarted, Instant.now());
        long afterKill = FILES - before;

        assertThat(servers.count("select count(*) from runs where recipe = 'inbox'")).isEqualTo(FILES);
        assertThat(servers.count("select count(distinct trigger -> 'body' ->> 'path') from runs where recipe = 'inbox'")).isEqualTo(FILES);
        assertThat(servers.count("select count(*) from runs where recipe = 'drop'")).isEqualTo(FILES);
        assertThat(servers.count("select count(distinct trigger -> 'body' ->> 'path') from runs where recipe = 'drop'")).isEqualTo(FILES);
        assertThat(servers.count("select count(*) from dead_letters")).isZero();
        try (Stream<Path> left = Files.list(inbox)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("every order file moved").containsExactly("done");
        }
        try (Stream<Path> kept = Files.list(drop)) {
            assertThat(kept.count()).as("remember leaves the files").isEqualTo(FILES);
        }
        log.info("After the SIGKILL: {} runs per folder; the second server took {} ms for the remaining {} inbox files "
                + "(read in each run) and the drop folder: {} files/s", FILES, took.toMillis(), afterKill,
                String.format("%.0f", (afterKill + FILES) * 1000.0 / Math.max(1, took.toMillis())));
        second.terminate(Duration.ofSeconds(60));
    }

    private static long doneFiles(Path inbox) throws IOException {
        Path done = inbox.resolve("done");
        if (!Files.isDirectory(done)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(done)) {
            return files.count();
        }
    }

    private ServerProcess start() {
        return servers.start(PASSWORD,
                "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(), "--braid.triggers.refresh=1s");
    }
}
