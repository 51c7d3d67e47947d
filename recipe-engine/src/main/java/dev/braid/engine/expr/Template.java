package dev.braid.engine.expr;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template string into text and {@code {{ }}} parts. The end of an expression is the first
 * {@code }}} outside string literals and outside braces the expression itself opened, so object
 * constructors work: {@code {{ {'order': {'id': 1}} }}}.
 */
final class Template {

    private Template() {}

    static List<Expressions.Segment> parse(String text) {
        List<Expressions.Segment> out = new ArrayList<>();
        int i = 0;
        StringBuilder literal = new StringBuilder();
        while (i < text.length()) {
            int open = text.indexOf("{{", i);
            if (open < 0) {
                literal.append(text, i, text.length());
                break;
            }
            literal.append(text, i, open);
            int close = findClose(text, open + 2);
            if (close < 0) {
                throw new ExpressionException("A '{{' at character " + (open + 1) + " has no matching '}}'");
            }
            if (!literal.isEmpty()) {
                out.add(new Expressions.Segment(literal.toString(), false));
                literal.setLength(0);
            }
            String expression = text.substring(open + 2, close).strip();
            if (expression.isEmpty()) {
                throw new ExpressionException("An empty '{{ }}' at character " + (open + 1) + "; put an expression inside");
            }
            out.add(new Expressions.Segment(expression, true));
            i = close + 2;
        }
        if (!literal.isEmpty()) {
            out.add(new Expressions.Segment(literal.toString(), false));
        }
        return out;
    }

    private static int findClose(String text, int from) {
        int depth = 0;
        char quote = 0;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
                continue;
            }
            switch (c) {
                case '\'', '"', '`' -> quote = c;
                case '{' -> depth++;
                case '}' -> {
                    if (depth == 0 && i + 1 < text.length() && text.charAt(i + 1) == '}') {
                        return i;
                    }
                    if (depth > 0) {
                        depth--;
                    }
                }
                default -> { }
            }
        }
        return -1;
    }
}
