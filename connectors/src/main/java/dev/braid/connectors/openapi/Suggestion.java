package dev.braid.connectors.openapi;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** "Did you mean" for a misspelt operation or parameter name: the nearest one by edit distance, if near enough. */
final class Suggestion {

    private Suggestion() {}

    /** {@code "; did you mean 'getPetById'?"}, or "" when none is near. */
    static String didYouMean(String word, Collection<String> candidates) {
        String w = word.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String c = candidate.toLowerCase(Locale.ROOT);
            boolean prefix = c.startsWith(w) || w.startsWith(c);
            int d = prefix ? Math.abs(c.length() - w.length()) : distance(w, c);
            int longer = Math.max(w.length(), c.length());
            // A name cut short (getPet for getPetById) may miss half; a misspelt one a third.
            int allowed = prefix ? longer / 2 : Math.max(2, longer / 3);
            if (d <= allowed && d < bestDistance && !candidate.equals(word)) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null ? "; did you mean '" + best + "'?" : "";
    }

    /** At most {@code max} names, comma-separated, with how many more there are. */
    static String list(List<String> names, int max) {
        if (names.size() <= max) {
            return String.join(", ", names);
        }
        return String.join(", ", names.subList(0, max)) + " and " + (names.size() - max) + " more";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
