package dev.braid.engine.expr;

import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * JSON as the plain Java values JSONata evaluates (Map, List, String, Number, Boolean, null),
 * converted one level at a time when an expression first reads that level.
 *
 * <p>Why: the context of every evaluation holds the whole run ({@code steps.read.output.rows} of
 * 100,000 rows, a batch of events); converting all of it for each {@code {{ item.x }}} cost 0.2 to
 * 3 s per evaluation and hit the time limit (issue 13). A view costs what the expression reads:
 * {@code item.x} converts the context's few keys and {@code item}'s, never {@code steps}.
 *
 * <p>Views are made fresh for each evaluation and belong to it, like the converted copy they
 * replace: the library may change what it was given (a sort in place, its null marker replaced in
 * an answer), so a view, once read, holds ordinary mutable Java collections of its children.
 */
final class JsonView {

    private JsonView() {}

    /** The Java value of a node: a view for an object or array, the value itself for the rest. */
    static Object of(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            return new ObjectView(node);
        }
        if (node.isArray()) {
            return new ArrayView(node);
        }
        return Expressions.scalar(node);
    }

    /** An object whose members are converted, all at once and one level deep, when first read. */
    static final class ObjectView extends AbstractMap<String, Object> {
        private final JsonNode node;
        private Map<String, Object> members;

        ObjectView(JsonNode node) {
            this.node = node;
        }

        private Map<String, Object> members() {
            if (members == null) {
                Map<String, Object> read = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    read.put(e.getKey(), of(e.getValue()));
                }
                members = read;
            }
            return members;
        }

        @Override
        public Set<Map.Entry<String, Object>> entrySet() {
            return members().entrySet();
        }

        @Override
        public Object get(Object key) {
            return members().get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return members().containsKey(key);
        }

        @Override
        public int size() {
            return members == null ? node.size() : members.size();
        }

        @Override
        public Object put(String key, Object value) {
            return members().put(key, value);
        }

        @Override
        public Object remove(Object key) {
            return members().remove(key);
        }
    }

    /** An array whose items are converted, all at once and one level deep, when first read. */
    static final class ArrayView extends AbstractList<Object> implements RandomAccess {
        private final JsonNode node;
        private List<Object> items;

        ArrayView(JsonNode node) {
            this.node = node;
        }

        private List<Object> items() {
            if (items == null) {
                List<Object> read = new ArrayList<>(node.size());
                for (JsonNode child : node.values()) {
                    read.add(of(child));
                }
                items = read;
            }
            return items;
        }

        @Override
        public Object get(int index) {
            return items().get(index);
        }

        @Override
        public int size() {
            return items == null ? node.size() : items.size();
        }

        @Override
        public Object set(int index, Object value) {
            return items().set(index, value);
        }

        @Override
        public void add(int index, Object value) {
            items().add(index, value);
            modCount++;
        }

        @Override
        public Object remove(int index) {
            modCount++;
            return items().remove(index);
        }
    }
}
