package dev.braid.connectors.sql;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import org.postgresql.util.PGobject;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** JSON values to JDBC parameters and JDBC columns to JSON values. */
final class SqlValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final java.util.Set<String> SPECIAL_TYPES =
            java.util.Set.of("json", "jsonb", "uuid", "bool", "boolean", "timestamptz", "timetz");

    private SqlValues() {}

    /**
     * Binds one JSON value. On PostgreSQL a string is sent untyped, so the server reads it as whatever
     * the context needs (a timestamp, a uuid, a numeric); objects and arrays travel as jsonb.
     */
    static void bind(PreparedStatement ps, int index, JsonNode value, boolean postgres) throws SQLException {
        if (value == null || value.isNull() || value.isMissingNode()) {
            ps.setNull(index, Types.NULL);
        } else if (value.isString()) {
            if (postgres) {
                ps.setObject(index, value.stringValue(), Types.OTHER);
            } else {
                ps.setString(index, value.stringValue());
            }
        } else if (value.isIntegralNumber()) {
            if (value.canConvertToLong()) {
                ps.setLong(index, value.longValue());
            } else {
                ps.setBigDecimal(index, new BigDecimal(value.bigIntegerValue()));
            }
        } else if (value.isNumber()) {
            ps.setBigDecimal(index, value.decimalValue());
        } else if (value.isBoolean()) {
            ps.setBoolean(index, value.booleanValue());
        } else if (postgres) {
            PGobject json = new PGobject();
            json.setType("jsonb");
            json.setValue(value.toString());
            ps.setObject(index, json);
        } else {
            ps.setString(index, value.toString());
        }
    }

    /** The current row as an object keyed by column label. */
    static ObjectNode row(ResultSet rs, ResultSetMetaData meta) throws SQLException {
        ObjectNode row = NODES.objectNode();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
            row.set(meta.getColumnLabel(c), column(rs, c, meta.getColumnType(c),
                    meta.getColumnTypeName(c).toLowerCase(Locale.ROOT)));
        }
        return row;
    }

    private static JsonNode column(ResultSet rs, int c, int type, String typeName) throws SQLException {
        if (SPECIAL_TYPES.contains(typeName)) {
            JsonNode value = switch (typeName) {
                case "json", "jsonb" -> parseJson(rs.getString(c));
                case "bool", "boolean" -> bool(rs, c);
                case "timestamptz" -> {
                    OffsetDateTime t = rs.getObject(c, OffsetDateTime.class);
                    yield t == null ? null : NODES.stringNode(t.toInstant().toString());
                }
                default -> text(rs.getString(c));   // uuid, timetz
            };
            return value == null ? NODES.nullNode() : value;
        }
        JsonNode node = switch (type) {
            case Types.NUMERIC, Types.DECIMAL -> decimal(rs.getBigDecimal(c));
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> {
                long v = rs.getLong(c);
                yield rs.wasNull() ? null : NODES.numberNode(v);
            }
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> {
                double v = rs.getDouble(c);
                yield rs.wasNull() ? null : Double.isFinite(v) ? NODES.numberNode(v) : NODES.stringNode(Double.toString(v));
            }
            case Types.BOOLEAN -> bool(rs, c);
            case Types.TIMESTAMP -> {
                LocalDateTime t = rs.getObject(c, LocalDateTime.class);
                yield t == null ? null : NODES.stringNode(t.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
            }
            case Types.TIMESTAMP_WITH_TIMEZONE -> {
                OffsetDateTime t = rs.getObject(c, OffsetDateTime.class);
                yield t == null ? null : NODES.stringNode(t.toInstant().toString());
            }
            case Types.DATE -> {
                LocalDate d = rs.getObject(c, LocalDate.class);
                yield d == null ? null : NODES.stringNode(d.toString());
            }
            case Types.TIME -> {
                LocalTime t = rs.getObject(c, LocalTime.class);
                yield t == null ? null : NODES.stringNode(t.format(DateTimeFormatter.ISO_LOCAL_TIME));
            }
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> {
                byte[] bytes = rs.getBytes(c);
                yield bytes == null ? null : NODES.stringNode(Base64.getEncoder().encodeToString(bytes));
            }
            case Types.ARRAY -> {
                Array array = rs.getArray(c);
                if (array == null) {
                    yield null;
                }
                try {
                    yield value(array.getArray());
                } finally {
                    array.free();
                }
            }
            default -> value(rs.getObject(c));
        };
        return node == null ? NODES.nullNode() : node;
    }

    private static JsonNode bool(ResultSet rs, int c) throws SQLException {
        boolean b = rs.getBoolean(c);
        return rs.wasNull() ? null : NODES.booleanNode(b);
    }

    private static JsonNode text(String s) {
        return s == null ? null : NODES.stringNode(s);
    }

    private static JsonNode decimal(BigDecimal d) {
        return d == null ? null : NODES.numberNode(d);
    }

    private static JsonNode parseJson(String s) {
        return s == null ? null : JsonMapper.shared().readTree(s);
    }

    /** A value the driver produced on its own (array elements, unusual column types). */
    static JsonNode value(Object o) throws SQLException {
        return switch (o) {
            case null -> NODES.nullNode();
            case Integer i -> NODES.numberNode(i.longValue());
            case Long l -> NODES.numberNode(l);
            case Short s -> NODES.numberNode(s.longValue());
            case BigInteger b -> NODES.numberNode(b);
            case BigDecimal d -> NODES.numberNode(d);
            case Double d -> Double.isFinite(d) ? NODES.numberNode(d) : NODES.stringNode(d.toString());
            case Float f -> Float.isFinite(f) ? NODES.numberNode(f.doubleValue()) : NODES.stringNode(f.toString());
            case Boolean b -> NODES.booleanNode(b);
            case String s -> NODES.stringNode(s);
            case byte[] bytes -> NODES.stringNode(Base64.getEncoder().encodeToString(bytes));
            case java.sql.Timestamp t -> NODES.stringNode(t.toLocalDateTime().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
            case java.sql.Date d -> NODES.stringNode(d.toLocalDate().toString());
            case java.sql.Time t -> NODES.stringNode(t.toLocalTime().format(DateTimeFormatter.ISO_LOCAL_TIME));
            case OffsetDateTime t -> NODES.stringNode(t.withOffsetSameInstant(ZoneOffset.UTC).toInstant().toString());
            case LocalDateTime t -> NODES.stringNode(t.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
            case PGobject p when p.getType() != null && p.getType().startsWith("json") -> parseJson(p.getValue());
            case Array a -> {
                try {
                    yield value(a.getArray());
                } finally {
                    a.free();
                }
            }
            case Object[] items -> {
                ArrayNode out = NODES.arrayNode();
                for (Object item : items) {
                    out.add(value(item));
                }
                yield out;
            }
            default -> NODES.stringNode(o.toString());
        };
    }
}
