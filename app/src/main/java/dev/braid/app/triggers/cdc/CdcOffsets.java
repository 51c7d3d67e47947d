package dev.braid.app.triggers.cdc;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** Debezium's offsets of each source in Braid's database ({@code cdc_offsets}). */
@Repository
class CdcOffsets {

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    CdcOffsets(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    Map<ByteBuffer, ByteBuffer> load(String source) {
        Map<ByteBuffer, ByteBuffer> out = new HashMap<>();
        jdbc.sql("select key, value from cdc_offsets where source = ?").param(source)
                .query((rs, n) -> {
                    byte[] value = rs.getBytes("value");
                    out.put(ByteBuffer.wrap(rs.getBytes("key")), value == null ? null : ByteBuffer.wrap(value));
                    return null;
                }).list();
        return out;
    }

    /** Writes the given pairs in one transaction: a flush is stored whole or not at all. */
    void save(String source, Map<ByteBuffer, ByteBuffer> pairs) {
        transactions.executeWithoutResult(status -> pairs.forEach((key, value) -> jdbc.sql("""
                        insert into cdc_offsets (source, key, value) values (?, ?, ?)
                        on conflict (source, key) do update set value = excluded.value, updated_at = now()""")
                .params(source, bytes(key), value == null ? null : bytes(value)).update()));
    }

    void delete(String source) {
        jdbc.sql("delete from cdc_offsets where source = ?").param(source).update();
    }

    boolean exist(String source) {
        return jdbc.sql("select exists (select 1 from cdc_offsets where source = ?)").param(source).query(Boolean.class).single();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
