package dev.braid.app.stats;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What the stats journal gets from Java: duplicate trigger events, which change no run (runs inserted
 * and ended are journaled by V10's triggers on {@code runs}, in the transaction of the change). A
 * duplicate answer writes nothing else, so its journal row is a statement of its own: a duplicate is
 * counted once per duplicate answer.
 */
@Repository
public class StatsJournal {

    private final JdbcClient jdbc;

    public StatsJournal(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void duplicate(String recipe, String origin) {
        jdbc.sql("insert into stats_journal (recipe, kind, origin) values (?, 'duplicate', ?)").params(recipe, origin).update();
    }
}
