package dev.braid.connectors.http;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code with.paginate}: pulls page after page and concatenates their items into
 * {@code {status, pages, items}}.
 * <ul>
 * <li>{@code link}: follows the RFC 8288 {@code Link: <...>; rel="next"} header until there is none;
 * <li>{@code cursor}: sends the value at {@code cursorPath} of the last body as query parameter
 * {@code cursorParam} until it is missing, null or empty;
 * <li>{@code page}: counts query parameter {@code pageParam} up from {@code startPage} until a page
 * has no items.
 * </ul>
 * Each page is an ordinary request (auth, redirects, egress guard, size limit); at most
 * {@code maxPages} are fetched, and a step's items may not pass {@link HttpRequestAction#MAX_ITEMS}.
 */
record Pagination(String type, int maxPages, String itemsPath, String cursorPath, String cursorParam,
        String pageParam, long startPage) {

    static final int DEFAULT_MAX_PAGES = 10;
    static final int MAX_PAGES = 1000;

    private static final Pattern LINK = Pattern.compile("<([^>]*)>([^<]*)");
    private static final Pattern REL = Pattern.compile("(?i)(?:^|;)\\s*rel\\s*=\\s*(?:\"([^\"]*)\"|([^;,\\s]+))");

    /** What the schema cannot say; paths below {@code with.paginate}. */
    static List<String> problems(JsonNode paginate) {
        List<String> problems = new ArrayList<>();
        if (!paginate.isObject()) {
            return problems;
        }
        JsonNode maxPages = paginate.path("maxPages");
        if (maxPages.isNumber() && (maxPages.asDouble() < 1 || maxPages.asDouble() > MAX_PAGES)) {
            problems.add("with.paginate.maxPages: must be between 1 and " + MAX_PAGES);
        }
        if (paginate.path("type").asString("").equals("cursor")) {
            for (String field : List.of("cursorPath", "cursorParam")) {
                if (!paginate.has(field)) {
                    problems.add("with.paginate." + field + ": is required for type cursor");
                }
            }
        }
        return problems;
    }

    /** @param paginate the step's {@code paginate}, already valid; {@code null} when absent */
    static Pagination from(JsonNode paginate) {
        if (paginate == null || !paginate.isObject()) {
            return null;
        }
        return new Pagination(paginate.get("type").stringValue(),
                paginate.path("maxPages").asInt(DEFAULT_MAX_PAGES),
                paginate.path("itemsPath").asString(""),
                paginate.path("cursorPath").asString(""),
                paginate.path("cursorParam").asString(""),
                paginate.path("pageParam").asString("page"),
                paginate.path("startPage").asLong(1));
    }

    ObjectNode run(Exchange exchange, OutgoingRequest first, ActionContext ctx, int maxItems) throws ActionException {
        ArrayNode items = JsonNodeFactory.instance.arrayNode();
        long page = startPage;
        OutgoingRequest current = type.equals("page")
                ? first.withUri(withParameter(first.uri(), pageParam, Long.toString(page))) : first;
        int pages = 0;
        int status;
        while (true) {
            HttpResponse<byte[]> response = exchange.send(current);
            if (HttpFailure.isError(response.statusCode())) {
                throw HttpFailure.status(current, response.statusCode(), response.headers(), response.body(), ctx.clock());
            }
            pages++;
            status = response.statusCode();
            JsonNode body = asJson(ResponseOutput.body(response.headers(), response.body()));
            JsonNode pageItems = at(body, itemsPath);
            if (!pageItems.isArray()) {
                throw ActionException.fatal(HttpFailure.PAGINATION, current.describe() + " (page " + pages + "): "
                        + (itemsPath.isEmpty() ? "the body" : "itemsPath '" + itemsPath + "'")
                        + " is not an array; set with.paginate.itemsPath to the path of the items, such as data.items");
            }
            if ((long) items.size() + pageItems.size() > maxItems) {
                throw ActionException.fatal(HttpFailure.TOO_MANY_ITEMS, current.describe() + ": the pages hold more than "
                        + maxItems + " items; lower with.paginate.maxPages or ask for less (a filter, a date range)");
            }
            items.addAll((ArrayNode) pageItems);
            URI next = switch (type) {
                case "link" -> nextLink(response.headers(), current.uri());
                case "cursor" -> {
                    JsonNode cursor = at(body, cursorPath);
                    boolean done = cursor.isMissingNode() || cursor.isNull() || cursor.isContainer()
                            || cursor.asString("").isEmpty();
                    yield done ? null : withParameter(first.uri(), cursorParam, cursor.asString());
                }
                default -> pageItems.isEmpty() ? null : withParameter(first.uri(), pageParam, Long.toString(++page));
            };
            if (next == null) {
                break;
            }
            if (pages >= maxPages) {
                ctx.log().warn(first.describe() + ": stopped after maxPages=" + maxPages + " pages; more were available");
                break;
            }
            current = current.withUri(next);
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("status", status);
        out.put("pages", pages);
        out.set("items", items);
        return out;
    }

    /** A page is read as JSON even when the server labels it otherwise (text/plain, no content type). */
    private static JsonNode asJson(JsonNode body) {
        if (!body.isString()) {
            return body;
        }
        try {
            JsonNode parsed = JsonMapper.shared().readTree(body.stringValue());
            return parsed == null || parsed.isMissingNode() ? body : parsed;
        } catch (JacksonException e) {
            return body;
        }
    }

    /** The node at a dotted path ({@code data.items}; a number indexes an array); the node itself for "". */
    static JsonNode at(JsonNode node, String dotted) {
        JsonNode current = node;
        if (dotted == null || dotted.isEmpty()) {
            return current;
        }
        for (String segment : dotted.split("\\.")) {
            if (current.isArray() && segment.matches("\\d{1,9}")) {
                current = current.path(Integer.parseInt(segment));
            } else {
                current = current.path(segment);
            }
        }
        return current;
    }

    /** The {@code rel="next"} target of the {@code Link} headers, resolved against the page's URI; {@code null} when none. */
    static URI nextLink(HttpHeaders headers, URI base) throws ActionException {
        for (String value : headers.allValues("link")) {
            Matcher link = LINK.matcher(value);
            while (link.find()) {
                Matcher rel = REL.matcher(link.group(2));
                while (rel.find()) {
                    String rels = rel.group(1) != null ? rel.group(1) : rel.group(2);
                    for (String r : rels.strip().split("\\s+")) {
                        if (r.toLowerCase(Locale.ROOT).equals("next")) {
                            try {
                                return base.resolve(link.group(1).strip());
                            } catch (IllegalArgumentException e) {
                                throw ActionException.fatal(HttpFailure.PAGINATION, "the Link header of "
                                        + TargetUrl.forMessage(base) + " names an unreadable next URL", e);
                            }
                        }
                    }
                }
            }
        }
        return null;
    }

    /** {@code uri} with query parameter {@code name} set to {@code value}, replacing any it had. */
    static URI withParameter(URI uri, String name, String value) throws ActionException {
        StringJoiner query = new StringJoiner("&");
        String raw = uri.getRawQuery();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                String key = pair.split("=", 2)[0];
                if (!decodes(key, name)) {
                    query.add(pair);
                }
            }
        }
        query.add(encode(name) + "=" + encode(value));
        String text = uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath())
                + "?" + query;
        try {
            return URI.create(text);
        } catch (IllegalArgumentException e) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.paginate: cannot build the next page's URL", e);
        }
    }

    private static boolean decodes(String raw, String name) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8).equals(name);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
