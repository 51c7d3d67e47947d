package dev.braid.app.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * ARCHITECTURE §4 paging: {@code limit} (default 50, at most 500) and an opaque {@code cursor}, answered as
 * {@code {items, nextCursor}}. A cursor is the base64url of the last item's sort key; clients pass it
 * back unchanged.
 */
final class Paging {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private Paging() {}

    /** {@code {items, nextCursor}}; {@code nextCursor} is null on the last page. */
    record Page<T>(List<T> items, String nextCursor) {}

    static int limit(Integer limit) {
        if (limit == null) {
            return DEFAULT_LIMIT;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badParameter("limit", "'limit' must be between 1 and " + MAX_LIMIT + "; it was " + limit);
        }
        return limit;
    }

    static String cursor(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The key inside a cursor, or null when no cursor was given. */
    static String key(String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw invalidCursor();
        }
    }

    static ApiException invalidCursor() {
        return ApiException.badParameter("cursor", "'cursor' is not a cursor this server handed out; "
                + "pass the nextCursor of the previous page unchanged, or leave it out for the first page");
    }

    /**
     * The page of {@code rows} fetched with {@code limit + 1}: the extra row only says there is more.
     */
    static <R, T> Page<T> page(List<R> rows, int limit, java.util.function.Function<R, T> item,
                               java.util.function.Function<R, String> key) {
        boolean more = rows.size() > limit;
        List<R> shown = more ? rows.subList(0, limit) : rows;
        return new Page<>(shown.stream().map(item).toList(), more ? cursor(key.apply(shown.getLast())) : null);
    }
}
