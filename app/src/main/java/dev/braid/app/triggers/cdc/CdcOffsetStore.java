package dev.braid.app.triggers.cdc;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium's offset store on Braid's database. Debezium creates it by class name
 * ({@code offset.storage}), so the reader registers its {@link CdcOffsets} under a key that it passes in
 * the engine's properties ({@value #BINDING}). Debezium calls {@link #set} only when it flushes offsets
 * of records the reader has marked processed, which it does after their events and runs are
 * committed; {@link #save} then writes them in one transaction and the flush fails if that fails.
 */
public class CdcOffsetStore extends MemoryOffsetBackingStore {

    static final String BINDING = "braid.cdc.offsets.binding";
    private static final Map<String, Binding> BINDINGS = new ConcurrentHashMap<>();

    record Binding(String source, CdcOffsets offsets) {}

    private Binding binding;

    static void bind(String key, String source, CdcOffsets offsets) {
        BINDINGS.put(key, new Binding(source, offsets));
    }

    static void unbind(String key) {
        BINDINGS.remove(key);
    }

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        String key = config.originalsStrings().get(BINDING);
        binding = key == null ? null : BINDINGS.get(key);
        if (binding == null) {
            throw new IllegalStateException("No Braid offset binding '" + key + "'; the CDC reader registers it before the engine starts");
        }
    }

    @Override
    public synchronized void start() {
        super.start();
        data.putAll(binding.offsets().load(binding.source()));
    }

    @Override
    protected void save() {
        Map<ByteBuffer, ByteBuffer> snapshot;
        synchronized (this) {
            snapshot = new HashMap<>(data);
        }
        binding.offsets().save(binding.source(), snapshot);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of(); // only Kafka Connect's REST API asks
    }
}
