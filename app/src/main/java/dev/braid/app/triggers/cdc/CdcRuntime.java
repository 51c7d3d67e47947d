package dev.braid.app.triggers.cdc;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import dev.braid.app.config.BraidProperties;
import dev.braid.app.connections.Connections;
import dev.braid.app.store.RecipeCatalog;
import dev.braid.app.triggers.TriggerRuntime;
import dev.braid.engine.model.Trigger;
import dev.braid.engine.model.TriggerSettings;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code cdc} trigger runtime (ARCHITECTURE §3, §6). Recipes are grouped by source (their connection);
 * per source, the node that holds its {@link ReaderLock} runs one {@link SourceReader} over the union of
 * the recipes' tables, and the other nodes try again at each reconcile. When the last recipe on a
 * source goes, its reader stops and its slot, publication and offsets are dropped — by whichever node
 * gets the lock, also when the node that read it is gone ({@code cdc_sources} remembers what exists).
 */
@Component
public class CdcRuntime implements TriggerRuntime {

    private static final Logger log = LoggerFactory.getLogger(CdcRuntime.class);

    private record Reading(CdcSource source, ReaderLock lock, SourceReader reader) {}

    private final Connections connections;
    private final DataSource dataSource;
    private final JdbcClient jdbc;
    private final CdcIngress ingress;
    private final CdcOffsets offsets;
    private final JsonMapper json;
    private final BraidProperties.Cdc settings;
    private final Map<String, Reading> readers = new HashMap<>();
    private final Map<String, String> problems = new ConcurrentHashMap<>();
    private final RestartBackoff backoff = new RestartBackoff();

    CdcRuntime(Connections connections, DataSource dataSource, JdbcClient jdbc, CdcIngress ingress, CdcOffsets offsets,
               JsonMapper json, BraidProperties properties) {
        this.connections = connections;
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.ingress = ingress;
        this.offsets = offsets;
        this.json = json;
        this.settings = properties.cdc();
    }

    @Override
    public Trigger.Type type() {
        return Trigger.Type.CDC;
    }

    @Override
    public synchronized void reconcile(Collection<RecipeCatalog.Current> wanted) {
        Map<String, List<CdcIngress.Route>> bySource = new LinkedHashMap<>();
        for (RecipeCatalog.Current c : wanted) {
            try {
                TriggerSettings.Cdc trigger = (TriggerSettings.Cdc) c.recipe().trigger().settings();
                // The names go into DDL and Debezium's include list: checked again right before that.
                trigger.tables().forEach(TableName::qualified);
                bySource.computeIfAbsent(trigger.connection(), k -> new ArrayList<>())
                        .add(new CdcIngress.Route(c.slug(), c.version(), c.recipe(), trigger));
            } catch (CdcSourceException e) {
                problem("recipe " + c.slug(), e.getMessage());
            }
        }
        for (String source : List.copyOf(readers.keySet())) {
            if (!bySource.containsKey(source)) {
                retire(readers.remove(source));
            }
        }
        bySource.forEach(this::read);
        List<String> known = retireOrphans(bySource.keySet());
        // A problem of a recipe or source that is gone is no longer anyone's to fix.
        Set<String> slugs = new java.util.HashSet<>();
        wanted.forEach(c -> slugs.add(c.slug()));
        problems.keySet().removeIf(k -> k.startsWith("recipe ") ? !slugs.contains(k.substring("recipe ".length()))
                : !bySource.containsKey(k) && !known.contains(k));
    }

    /** Keeps the source's reader running on this node when it holds (or gets) the source's lock. */
    private void read(String name, List<CdcIngress.Route> routes) {
        Set<String> tables = new TreeSet<>();
        routes.forEach(r -> tables.addAll(r.trigger().tables()));
        boolean snapshot = routes.stream().anyMatch(r -> r.trigger().snapshot());
        Reading reading = readers.get(name);
        if (reading != null && (!reading.reader().running() || !reading.lock().held())) {
            Duration wait = backoff.failed(name, reading.reader().ranFor());
            log.warn("CDC reader of connection '{}' is not running any more ({}); trying again in {} s", name,
                    reading.reader().failure() == null ? "its lock session ended" : reading.reader().failure().toString(),
                    wait.toSeconds());
            readers.remove(name);
            reading.reader().stop();
            reading.lock().close();
            reading = null;
        }
        if (reading == null && backoff.waiting(name)) {
            return;
        }
        if (reading != null) {
            CdcSource now;
            try {
                now = CdcSource.of(name, connections);
            } catch (CdcSourceException e) {
                // The connection was changed to something that cannot be read: stop, keep slot and offsets.
                readers.remove(name);
                reading.reader().stop();
                reading.lock().close();
                problem(name, e.getMessage());
                return;
            }
            if (reading.reader().tables().equals(tables) && now.equals(reading.source())) {
                reading.reader().routes(routes);
                return;
            }
            // Other tables (the publication changes) or other connection settings (a new password, host):
            // the engine restarts from its stored offsets, still under this node's lock.
            readers.remove(name);
            reading.reader().stop();
            startOrReport(name, now, reading.lock(), tables, snapshot, routes);
            return;
        }
        ReaderLock lock;
        try {
            lock = ReaderLock.tryAcquire(dataSource, name);
        } catch (SQLException e) {
            problem(name, "could not try the reader lock: " + e.getMessage());
            return;
        }
        if (lock == null) {
            return; // another node reads this source
        }
        CdcSource source;
        try {
            source = CdcSource.of(name, connections);
        } catch (RuntimeException e) {
            lock.close();
            problem(name, e.getMessage());
            return;
        }
        startOrReport(name, source, lock, tables, snapshot, routes);
    }

    /** Starts the reader under {@code lock}; on failure the lock is let go and the problem reported, to try again later. */
    private void startOrReport(String name, CdcSource source, ReaderLock lock, Set<String> tables, boolean snapshot,
                               List<CdcIngress.Route> routes) {
        try {
            start(name, source, lock, tables, snapshot, routes);
        } catch (RuntimeException e) {
            problem(name, e.getMessage());
        }
    }

    private void start(String name, CdcSource source, ReaderLock lock, Set<String> tables, boolean snapshot,
                       List<CdcIngress.Route> routes) {
        try {
            // 'a-b' and 'a_b' would share braid_a_b, and slot names are unique in a PostgreSQL cluster.
            jdbc.sql("select source from cdc_sources where slot = ? and source <> ?").params(source.slot(), name)
                    .query(String.class).optional().ifPresent(other -> {
                        throw new CdcSourceException("Connections '" + name + "' and '" + other + "' both map to the replication slot "
                                + source.slot() + "; rename one of them (a connection name differing only in '-' and '_')");
                    });
            SourceObjects.publish(source, tables);
            jdbc.sql("insert into cdc_sources (source, slot, publication) values (?, ?, ?) on conflict (source) do nothing")
                    .params(name, source.slot(), source.publication()).update();
            SourceReader reader = new SourceReader(source, tables, snapshot, routes, ingress, offsets, json, settings);
            reader.start();
            readers.put(name, new Reading(source, lock, reader));
            problems.remove(name);
        } catch (RuntimeException e) {
            readers.remove(name);
            lock.close();
            throw e;
        }
    }

    /** The last recipe on the source went: stop reading and drop what would otherwise hold WAL for ever. */
    private void retire(Reading reading) {
        reading.reader().stop();
        try {
            drop(reading.source());
        } catch (RuntimeException e) {
            problem(reading.source().name(), e.getMessage());
        } finally {
            reading.lock().close();
        }
    }

    /** Sources set up earlier (maybe by a node that is gone) that no recipe wants any more. */
    private List<String> retireOrphans(Set<String> wanted) {
        List<String> known = jdbc.sql("select source from cdc_sources order by source").query(String.class).list();
        for (String name : known) {
            if (wanted.contains(name) || readers.containsKey(name)) {
                continue;
            }
            try (ReaderLock lock = ReaderLock.tryAcquire(dataSource, name)) {
                if (lock == null) {
                    continue; // its reader is still stopping on another node
                }
                CdcSource source;
                try {
                    source = CdcSource.of(name, connections);
                } catch (CdcSourceException e) {
                    // The connection was deleted or changed: its slot can no longer be reached from here.
                    problem(name, "its replication slot may be left on the database: " + e.getMessage());
                    forget(name);
                    continue;
                }
                drop(source);
            } catch (SQLException | RuntimeException e) {
                problem(name, e.getMessage());
            }
        }
        return known;
    }

    private void drop(CdcSource source) {
        // The reader's walsender exits just after the engine closes; until then the slot is active.
        for (int attempt = 0; attempt < 25; attempt++) {
            if (SourceObjects.drop(source)) {
                forget(source.name());
                log.info("Dropped replication slot and publication {} of connection '{}': no cdc recipe uses it any more",
                        source.slot(), source.name());
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.info("Replication slot {} is still in use; dropping it at a later pass", source.slot());
    }

    private void forget(String name) {
        offsets.delete(name);
        jdbc.sql("delete from cdc_sources where source = ?").param(name).update();
        problems.remove(name);
    }

    private void problem(String subject, String message) {
        if (!message.equals(problems.put(subject, message))) {
            log.warn("CDC {}: {}", subject, message);
        }
    }

    /** Stops reading on this node (shutdown); slots and offsets stay for the next reader. */
    @Override
    public synchronized void stopAll() {
        for (Reading reading : readers.values()) {
            reading.reader().stop();
            reading.lock().close();
        }
        readers.clear();
    }

    /** The sources this node reads now (the cluster view shows them). */
    public synchronized Set<String> reading() {
        return Set.copyOf(readers.keySet());
    }

    /** What keeps a source or recipe from being read, by subject (connection name or "recipe slug"). */
    Map<String, String> problems() {
        return Map.copyOf(problems);
    }
}
