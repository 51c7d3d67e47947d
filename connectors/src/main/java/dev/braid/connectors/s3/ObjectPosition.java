package dev.braid.connectors.s3;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/**
 * Where an object stands among the objects of a prefix by age: {@code <last modified>|<key>}, the time as a
 * fixed-width UTC instant with milliseconds ({@code 2026-12-07T04:45:23.120Z|incoming/a.csv}). Comparing two
 * positions as texts orders by time first and, for objects of the same time, by key — so a poll that keeps the
 * last position it saw as its cursor sees every object once, two objects written in the same millisecond
 * (or second: many stores keep no finer time) included. A bare time ({@code 2026-12-01T00:00:00.000Z}) is a
 * position too: before every object of that millisecond.
 */
final class ObjectPosition {

    private static final DateTimeFormatter FIXED = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private ObjectPosition() {}

    static String of(String lastModified, String key) {
        return format(parse(lastModified)) + "|" + key;
    }

    static String format(Instant instant) {
        return FIXED.format(instant.truncatedTo(ChronoUnit.MILLIS));
    }

    /** A listing's {@code LastModified}: ISO-8601, {@code Z} or an offset. */
    static Instant parse(String text) {
        try {
            return Instant.parse(text.strip());
        } catch (DateTimeParseException e) {
            return OffsetDateTime.parse(text.strip()).toInstant();
        }
    }
}
