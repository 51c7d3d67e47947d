package dev.braid.connectors.core;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One reconciliation of {@code left} (the source of truth) against {@code right} (the copy checked):
 * a hash join in one pass per side. The right side is indexed by key (first row of each key), then
 * each left row is looked up once; right rows nobody looked up are the extras. Only the keys of left
 * rows missing on the right are kept in a second set, to spot duplicates among them.
 *
 * <p>Counts are always exact; the lists stop at {@code limit} items each and {@code truncated} says so.
 */
final class Reconciliation {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What to compare: key fields, fields to compare (null: the left row's fields but the key), tolerances, list limit. */
    record Spec(List<String> key, List<String> compare, Tolerance tolerance, int limit) {}

    /** An absolute numeric tolerance for every field ({@code all}) or for named fields only. */
    record Tolerance(BigDecimal all, Map<String, BigDecimal> byField) {
        static final Tolerance NONE = new Tolerance(null, Map.of());

        BigDecimal of(String field) {
            return all != null ? all : byField.get(field);
        }
    }

    private final Spec spec;
    private final Set<String> keyFields;
    private final Listing missing;
    private final Listing extra;
    private final Listing different;
    private final Listing changed;
    private final Listing duplicateLeft;
    private final Listing duplicateRight;
    private int matched;
    private int differentKeys;
    private int differentFields;

    private Reconciliation(Spec spec) {
        this.spec = spec;
        this.keyFields = new HashSet<>(spec.key());
        this.missing = new Listing(spec.limit());
        this.extra = new Listing(spec.limit());
        this.different = new Listing(spec.limit());
        this.changed = new Listing(spec.limit());
        this.duplicateLeft = new Listing(spec.limit());
        this.duplicateRight = new Listing(spec.limit());
    }

    static ObjectNode run(ArrayNode left, ArrayNode right, Spec spec) throws ActionException {
        return new Reconciliation(spec).join(left, right);
    }

    private ObjectNode join(ArrayNode left, ArrayNode right) throws ActionException {
        int rightSize = right.size();
        Map<Object, Integer> rightByKey = new HashMap<>(capacity(rightSize));
        // settled[j]: right row j is accounted for (looked up by a left row, or a duplicate of an earlier row).
        boolean[] settled = new boolean[rightSize];
        Map<Object, Integer> rightDuplicates = new LinkedHashMap<>();
        for (int j = 0; j < rightSize; j++) {
            Object key = key(right.get(j), "right", j);
            Integer first = rightByKey.putIfAbsent(key, j);
            if (first != null) {
                settled[j] = true;
                rightDuplicates.merge(key, 2, (rows, one) -> rows + 1);
            }
        }

        Map<Object, Integer> leftDuplicates = new LinkedHashMap<>();
        Set<Object> missingKeys = new HashSet<>();
        for (int i = 0; i < left.size(); i++) {
            JsonNode row = left.get(i);
            Object key = key(row, "left", i);
            Integer j = rightByKey.get(key);
            if (j == null) {
                if (missingKeys.add(key)) {
                    missing.add(row);
                } else {
                    leftDuplicates.merge(key, 2, (rows, one) -> rows + 1);
                }
            } else if (settled[j]) {
                // Only an earlier left row with this key settles the key's first right row.
                leftDuplicates.merge(key, 2, (rows, one) -> rows + 1);
            } else {
                settled[j] = true;
                compare(row, right.get(j));
            }
        }

        for (int j = 0; j < rightSize; j++) {
            if (!settled[j]) {
                extra.add(right.get(j));
            }
        }
        listDuplicates(leftDuplicates, left, duplicateLeft);
        listDuplicates(rightDuplicates, right, duplicateRight);
        return output(left.size(), rightSize);
    }

    private void compare(JsonNode leftRow, JsonNode rightRow) {
        boolean differs = false;
        if (spec.compare() != null) {
            for (String field : spec.compare()) {
                differs |= compareField(leftRow, rightRow, field);
            }
        } else {
            for (String field : leftRow.propertyNames()) {
                if (!keyFields.contains(field)) {
                    differs |= compareField(leftRow, rightRow, field);
                }
            }
        }
        if (differs) {
            differentKeys++;
            changed.add(leftRow);
        } else {
            matched++;
        }
    }

    /** Compares one field and records it when it differs; answers whether it did. */
    private boolean compareField(JsonNode leftRow, JsonNode rightRow, String field) {
        JsonNode l = leftRow.get(field);
        JsonNode r = rightRow.get(field);
        if (FieldValues.same(l, r, spec.tolerance().of(field))) {
            return false;
        }
        differentFields++;
        if (different.hasRoom()) {
            ObjectNode d = NODES.objectNode();
            d.set("key", keyOf(leftRow));
            d.put("field", field);
            d.set("left", l == null ? NODES.nullNode() : l.deepCopy());
            d.set("right", r == null ? NODES.nullNode() : r.deepCopy());
            different.addCounted(d);
        } else {
            different.skip();
        }
        return true;
    }

    /** The hash key of a row: one field's value, or the list of the key fields' values. */
    private Object key(JsonNode row, String side, int index) throws ActionException {
        if (!row.isObject()) {
            // The schema's "items": {"type": "object"}, checked here in the one pass over the rows.
            throw ActionException.fatal(JsonSchema.INVALID, "with." + side + "[" + index + "]: expected object, got "
                    + row.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        List<String> fields = spec.key();
        if (fields.size() == 1) {
            return FieldValues.hashKey(keyField(row, fields.get(0), side, index));
        }
        List<Object> parts = new ArrayList<>(fields.size());
        for (String field : fields) {
            parts.add(FieldValues.hashKey(keyField(row, field, side, index)));
        }
        return parts;
    }

    private static JsonNode keyField(JsonNode row, String field, String side, int index) throws ActionException {
        JsonNode value = row.get(field);
        if (value == null) {
            // Usually a misspelt key (every row lacks it): name the row and the fields it has.
            throw ActionException.fatal(JsonSchema.INVALID, "with." + side + "[" + index + "]: has no key field '" + field
                    + "' (with.key); its fields are " + row.propertyNames());
        }
        return value;
    }

    /** The key as it is shown: the value of a single key field, or {field: value} for a composite key. */
    private JsonNode keyOf(JsonNode row) {
        if (spec.key().size() == 1) {
            return row.get(spec.key().get(0)).deepCopy();
        }
        ObjectNode key = NODES.objectNode();
        for (String field : spec.key()) {
            key.set(field, row.get(field).deepCopy());
        }
        return key;
    }

    private void listDuplicates(Map<Object, Integer> rowsByKey, ArrayNode side, Listing listing) {
        if (rowsByKey.isEmpty()) {
            return;
        }
        // A second pass over this side only when it has duplicates, to show each key as written.
        Map<Object, JsonNode> shown = new HashMap<>();
        for (JsonNode row : side) {
            if (shown.size() == Math.min(rowsByKey.size(), listing.limit)) {
                break;
            }
            Object key = keyUnchecked(row);
            if (rowsByKey.containsKey(key) && !shown.containsKey(key)) {
                shown.put(key, keyOf(row));
            }
        }
        for (Map.Entry<Object, Integer> e : rowsByKey.entrySet()) {
            JsonNode key = shown.get(e.getKey());
            if (key != null && listing.hasRoom()) {
                ObjectNode item = NODES.objectNode();
                item.set("key", key);
                item.put("rows", e.getValue());
                listing.addCounted(item);
            } else {
                listing.skip();
            }
        }
    }

    // Keys were checked in the join; this pass cannot meet a row without one.
    private Object keyUnchecked(JsonNode row) {
        try {
            return key(row, "", 0);
        } catch (ActionException e) {
            throw new IllegalStateException(e);
        }
    }

    private ObjectNode output(int leftRows, int rightRows) {
        ObjectNode counts = NODES.objectNode();
        counts.put("left", leftRows);
        counts.put("right", rightRows);
        counts.put("matched", matched);
        counts.put("missing", missing.count);
        counts.put("extra", extra.count);
        counts.put("different", differentKeys);
        counts.put("differentFields", differentFields);
        counts.put("duplicateLeft", duplicateLeft.count);
        counts.put("duplicateRight", duplicateRight.count);

        ObjectNode out = NODES.objectNode();
        out.put("inSync", missing.count == 0 && extra.count == 0 && differentKeys == 0
                && duplicateLeft.count == 0 && duplicateRight.count == 0);
        out.put("matched", matched);
        out.set("missing", missing.items);
        out.set("extra", extra.items);
        out.set("different", different.items);
        out.set("changed", changed.items);
        ObjectNode duplicates = NODES.objectNode();
        duplicates.set("left", duplicateLeft.items);
        duplicates.set("right", duplicateRight.items);
        out.set("duplicates", duplicates);
        out.set("counts", counts);
        out.put("truncated", missing.truncated() || extra.truncated() || different.truncated() || changed.truncated()
                || duplicateLeft.truncated() || duplicateRight.truncated());
        out.put("limit", spec.limit());
        return out;
    }

    private static int capacity(int entries) {
        return (int) Math.min(Integer.MAX_VALUE, (long) (entries / 0.75f) + 1);
    }

    /** A list that keeps its first {@code limit} items (copies, so later steps cannot change them) and counts all. */
    private static final class Listing {
        final ArrayNode items = NODES.arrayNode();
        final int limit;
        int count;

        Listing(int limit) {
            this.limit = limit;
        }

        boolean hasRoom() {
            return items.size() < limit;
        }

        void add(JsonNode row) {
            if (hasRoom()) {
                items.add(row.deepCopy());
            }
            count++;
        }

        /** Adds an item built for this list (already a fresh node). */
        void addCounted(JsonNode item) {
            items.add(item);
            count++;
        }

        void skip() {
            count++;
        }

        boolean truncated() {
            return count > items.size();
        }
    }
}
