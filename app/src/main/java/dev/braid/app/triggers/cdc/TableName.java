package dev.braid.app.triggers.cdc;

import java.util.regex.Pattern;

/**
 * Table names of a cdc trigger: {@code schema.table}, each part an unquoted PostgreSQL identifier.
 * Only such names are accepted because they end up in a publication's DDL and in Debezium's
 * include list (a regular expression); anything else is refused with a message rather than quoted.
 */
final class TableName {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");

    private TableName() {}

    /** {@code orders} → {@code public.orders}; {@code Sales.Orders} → {@code sales.orders}, as PostgreSQL folds unquoted names. */
    static String qualified(String name) {
        String n = name.strip();
        int dot = n.indexOf('.');
        String schema = dot < 0 ? "public" : n.substring(0, dot);
        String table = dot < 0 ? n : n.substring(dot + 1);
        if (!IDENTIFIER.matcher(schema).matches() || !IDENTIFIER.matcher(table).matches()) {
            throw new CdcSourceException("Table '" + name + "' is not a plain schema.table name such as public.orders; "
                    + "CDC follows tables whose names are unquoted identifiers");
        }
        return (schema + "." + table).toLowerCase(java.util.Locale.ROOT);
    }

    /** For DDL: {@code "public"."orders"}. */
    static String quoted(String qualified) {
        int dot = qualified.indexOf('.');
        return '"' + qualified.substring(0, dot) + "\".\"" + qualified.substring(dot + 1) + '"';
    }

    /** For Debezium's {@code table.include.list}, whose entries are regular expressions. */
    static String pattern(String qualified) {
        return qualified.replace(".", "\\.").replace("$", "\\$");
    }
}
