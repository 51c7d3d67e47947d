package dev.braid.engine.expr;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.dashjoin.jsonata.Functions;
import com.dashjoin.jsonata.Jsonata;
import com.dashjoin.jsonata.Jsonata.JFunction;

/**
 * The built-ins that can build a value far larger than their arguments, or take long doing it,
 * replaced by versions that check the {@link Bounds} of the running evaluation before they build.
 * The library's {@code $pad} concatenates in a loop (quadratic: {@code $pad('', 1000000, 'ab')}
 * held a core for minutes), {@code $join}, {@code $string} and {@code $replace} can turn a small
 * array into gigabytes in one call, {@code $append} and {@code $merge} join whole arrays and
 * objects. Each keeps the library's signature and answers; only the checks are new.
 */
final class BoundedFunctions {

    private BoundedFunctions() {}

    /** Registers the bounded versions on a compiled expression, over the library's own. */
    static void register(Jsonata compiled) {
        compiled.registerFunction("pad", new JFunction(BoundedFunctions::pad, "<s-ns?:s>"));
        compiled.registerFunction("join", new JFunction(BoundedFunctions::join, "<a<s>s?:s>"));
        compiled.registerFunction("string", new JFunction(BoundedFunctions::string, "<x-b?:s>"));
        compiled.registerFunction("replace", new JFunction(BoundedFunctions::replace, "<s-(sf)(sf)n?:s>"));
        compiled.registerFunction("append", new JFunction(BoundedFunctions::append, "<xx:a>"));
        compiled.registerFunction("merge", new JFunction(BoundedFunctions::merge, "<a<o>:o>"));
    }

    private static Object arg(List<?> args, int index) {
        return args != null && index < args.size() ? args.get(index) : null;
    }

    /** Linear, and refused before building when the width is over the limit. */
    static Object pad(Object input, List<?> args) {
        Bounds bounds = Bounds.current();
        bounds.checkTime();
        String str = (String) arg(args, 0);
        if (str == null) {
            return null;
        }
        long width = ((Number) arg(args, 1)).longValue();
        bounds.checkLength(Math.abs(width));
        String padding = (String) arg(args, 2);
        if (padding == null || padding.isEmpty()) {
            padding = " ";
        }
        int pads = (int) Math.abs(width) - str.codePointCount(0, str.length());
        if (pads <= 0) {
            return str;
        }
        int padPoints = padding.codePointCount(0, padding.length());
        String repeated = padding.repeat(pads / padPoints + 1);
        String fill = repeated.substring(0, repeated.offsetByCodePoints(0, pads));
        return width < 0 ? fill + str : str + fill;
    }

    static Object join(Object input, List<?> args) {
        Bounds bounds = Bounds.current();
        bounds.checkTime();
        Object strs = arg(args, 0);
        if (strs == null) {
            return null;
        }
        String separator = arg(args, 1) == null ? "" : (String) arg(args, 1);
        List<?> list = (List<?>) strs;
        long length = (long) separator.length() * Math.max(0, list.size() - 1);
        for (Object s : list) {
            length += ((String) s).length();
            bounds.checkLength(length);
        }
        @SuppressWarnings("unchecked")
        List<String> strings = (List<String>) list;
        return Functions.join(strings, separator);
    }

    /** Measures what the text would hold before writing it, and stops measuring at the limit. */
    static Object string(Object input, List<?> args) {
        Bounds bounds = Bounds.current();
        bounds.checkTime();
        Object value = arg(args, 0);
        if (value instanceof String) {
            return value;
        }
        bounds.checkLength(estimate(value, bounds.limits().maxStringLength() + 1L, bounds));
        Boolean prettify = (Boolean) arg(args, 1);
        String out = Functions.string(value, prettify);
        bounds.checkSize(out);
        return out;
    }

    /**
     * About the length of a value written as JSON (escapes and indentation aside, which the check
     * after writing covers), counting no further than {@code stop}.
     */
    private static long estimate(Object value, long stop, Bounds bounds) {
        long length = 0;
        java.util.ArrayDeque<Object> pending = new java.util.ArrayDeque<>();
        if (value != null) {
            pending.push(value);
        }
        int visited = 0;
        while (!pending.isEmpty() && length < stop) {
            Object v = pending.pop();
            if ((++visited & 0xFFF) == 0) {
                bounds.checkTime();
            }
            if (v instanceof String s) {
                length += s.length() + 2;
            } else if (v instanceof Map<?, ?> m) {
                length += 2;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    length += String.valueOf(e.getKey()).length() + 4;
                    if (e.getValue() != null) {
                        pending.push(e.getValue());
                    }
                    if (length >= stop) {
                        break;
                    }
                }
            } else if (v instanceof Collection<?> c) {
                length += 2 + c.size();
                for (Object item : c) {
                    if (item != null) {
                        pending.push(item);
                    }
                    if (pending.size() > stop) {
                        break;
                    }
                }
            } else {
                length += 24; // a number, true/false, null
            }
        }
        return length;
    }

    /**
     * Refused before replacing when the answer could be over the limit: each replacement adds at
     * most its own length times the matched length (a {@code $0} repeats the match). The matches
     * are counted over a text that reads the clock, so a pattern that backtracks for ever stops too.
     */
    static Object replace(Object input, List<?> args) {
        Bounds bounds = Bounds.current();
        bounds.checkTime();
        String str = (String) arg(args, 0);
        Object pattern = arg(args, 1);
        Object replacement = arg(args, 2);
        Number limit = (Number) arg(args, 3);
        if (str == null) {
            return null;
        }
        if (limit != null && limit.longValue() > str.length() + 1L) {
            // No text has more matches than positions; the library loops `limit` times regardless.
            limit = str.length() + 1;
        }
        long cap = limit == null ? Long.MAX_VALUE : Math.max(0, limit.longValue());
        if (replacement instanceof String r && !(pattern instanceof String p && p.isEmpty())) {
            long matches = 0;
            long longest = 0;
            if (pattern instanceof String p) {
                for (int at = str.indexOf(p); at >= 0 && matches < cap; at = str.indexOf(p, at + p.length())) {
                    matches++;
                }
                longest = p.length();
            } else if (pattern instanceof Pattern regex) {
                Matcher m = regex.matcher(new ClockedText(str, bounds));
                while (matches < cap && m.find()) {
                    matches++;
                    longest = Math.max(longest, m.end() - m.start());
                    if (m.end() == m.start() && m.end() >= str.length()) {
                        break;
                    }
                }
            }
            bounds.checkLength(str.length() + matches * r.length() * Math.max(1, longest));
        }
        Integer effectiveLimit = limit == null ? null : limit.intValue();
        String out = Functions.replace(str, pattern, replacement, effectiveLimit);
        bounds.checkSize(out);
        return out;
    }

    static Object append(Object input, List<?> args) {
        Bounds bounds = Bounds.current();
        bounds.checkTime();
        Object first = arg(args, 0);
        Object second = arg(args, 1);
        bounds.checkItems((long) count(first) + count(second));
        return Functions.append(first, second);
    }

    private static int count(Object value) {
        return value == null ? 0 : value instanceof Collection<?> c ? c.size() : 1;
    }

    /** Linear in what it is given; the merged object's size is checked before it is answered. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static Object merge(Object input, List<?> args) {
        Bounds bounds = Bounds.current();
        bounds.checkTime();
        Object objects = arg(args, 0);
        if (objects == null) {
            return null;
        }
        Object out = Functions.merge((List) objects);
        bounds.checkSize(out);
        return out;
    }

    /** A text that reads the clock every few thousand characters a regular expression looks at. */
    private static final class ClockedText implements CharSequence {
        private final String text;
        private final Bounds bounds;
        private int reads;

        ClockedText(String text, Bounds bounds) {
            this.text = text;
            this.bounds = bounds;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if ((++reads & 0xFFF) == 0) {
                bounds.checkTime();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
