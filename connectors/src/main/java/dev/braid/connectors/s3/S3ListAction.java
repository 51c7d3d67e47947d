package dev.braid.connectors.s3;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import javax.xml.stream.XMLStreamException;

import dev.braid.connectors.schema.Inputs;
import dev.braid.connectors.schema.JsonSchema;
import dev.braid.engine.spi.Action;
import dev.braid.engine.spi.ActionContext;
import dev.braid.engine.spi.ActionException;
import dev.braid.engine.spi.ActionResult;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code s3.list {bucket, prefix, startAfter, maxKeys, delimiter, after}} → {@code {bucket, prefix, items: [{key,
 * size, etag, lastModified, storageClass, position}], prefixes, count, truncated, nextStartAfter}}.
 *
 * <p>In key order (S3's), page after page (ListObjectsV2 with continuation tokens) until {@code maxKeys} objects.
 * With {@code after} — an {@link ObjectPosition} such as a poll's cursor — in order of age instead: only the
 * objects after that position, oldest first, which needs the whole prefix listed (S3 cannot filter by time), at
 * most {@value #SCAN_LIMIT} objects. That is the poll source over new objects:
 *
 * <pre>{@code
 * poll: { connection: lake, every: 30s, action: s3.list, with: { prefix: incoming/, after: "{{ cursor }}" },
 *         cursor: position, initialCursor: "" }
 * }</pre>
 */
final class S3ListAction implements Action {

    static final int DEFAULT_MAX_KEYS = 1_000;
    static final int LIMIT_MAX_KEYS = 100_000;
    /** Objects one listing by age looks at; past it the prefix is too broad to poll. */
    static final int SCAN_LIMIT = 1_000_000;
    /** S3's own largest page. */
    private static final int PAGE = 1_000;

    static final JsonSchema INPUT = JsonSchema.parse("""
            {
              "type": "object",
              "properties": {
                "bucket": {"type": "string", "description": "The bucket; default: the connection's bucket."},
                "prefix": {"type": "string", "description": "Only keys starting with this, e.g. incoming/2026/"},
                "startAfter": {"type": "string", "description": "Only keys after this one (in key order), e.g. the last key of an earlier listing."},
                "maxKeys": {"type": "integer", "description": "The most objects answered (default 1000, at most 100000); the listing pages through S3 1000 at a time."},
                "delimiter": {"type": "string", "description": "Group keys below the next delimiter (usually /) into prefixes instead of listing them."},
                "after": {"type": "string", "description": "Only objects newer than this position (lastModified|key, the position field of an earlier item; '' for all), oldest first: the cursor of a poll over new objects."}
              },
              "required": [],
              "additionalProperties": false
            }
            """);

    private final S3Client client;

    S3ListAction(S3Client client) {
        this.client = client;
    }

    @Override
    public JsonNode inputSchema() {
        return INPUT.node();
    }

    @Override
    public boolean describesDryRun() {
        return true;
    }

    @Override
    public String description() {
        return "Lists the objects of an S3 bucket under a prefix, in key order or — with after: — the ones newer than a "
                + "position, oldest first (a poll's cursor). Answers {items: [{key, size, etag, lastModified, position}], "
                + "count, truncated, nextStartAfter}.";
    }

    @Override
    public JsonNode example() {
        return JsonMapper.shared().readTree("""
                {"prefix": "incoming/", "maxKeys": 500}
                """);
    }

    @Override
    public ActionResult execute(ActionContext ctx, JsonNode input) throws ActionException {
        JsonNode with = Inputs.orEmptyObject(input);
        INPUT.requireValid(with, "with");
        int maxKeys = with.path("maxKeys").asInt(DEFAULT_MAX_KEYS);
        if (maxKeys < 1 || maxKeys > LIMIT_MAX_KEYS) {
            throw ActionException.fatal(JsonSchema.INVALID, "with.maxKeys: must be between 1 and " + LIMIT_MAX_KEYS + "; got " + maxKeys);
        }
        S3Settings settings = S3Settings.from(ctx.connection());
        String bucket = settings.bucket(with);
        String prefix = with.path("prefix").asString("");
        String after = with.has("after") ? with.get("after").stringValue() : null;
        Map<String, String> query = new LinkedHashMap<>();
        query.put("list-type", "2");
        if (!prefix.isEmpty()) {
            query.put("prefix", prefix);
        }
        if (with.hasNonNull("delimiter")) {
            query.put("delimiter", with.get("delimiter").stringValue());
        }
        if (with.hasNonNull("startAfter") && !with.get("startAfter").stringValue().isEmpty()) {
            query.put("start-after", with.get("startAfter").stringValue());
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode().put("bucket", bucket).put("prefix", prefix);
        S3Client.Request first = S3Client.Request.of("GET", bucket, null)
                .with(withPage(query, after == null ? Math.min(PAGE, maxKeys) : PAGE, null));
        if (ctx.dryRun()) {
            return ActionResult.of(out.put("dryRun", true).put("request", first.describe())
                    .put("url", S3Client.uri(settings, first).toString()));
        }
        return ActionResult.of(after == null ? byKey(ctx, settings, first, query, maxKeys, out)
                : byAge(ctx, settings, first, query, maxKeys, after, out));
    }

    private ObjectNode byKey(ActionContext ctx, S3Settings settings, S3Client.Request first, Map<String, String> query,
                             int maxKeys, ObjectNode out) throws ActionException {
        ArrayNode items = out.putArray("items");
        ArrayNode prefixes = out.putArray("prefixes");
        S3Client.Request request = first;
        boolean more;
        String lastKey = null;
        while (true) {
            S3Xml.Page page = page(ctx, settings, request);
            for (S3Xml.Listed o : page.objects()) {
                items.add(item(o));
                lastKey = o.key();
            }
            page.commonPrefixes().forEach(prefixes::add);
            more = page.truncated() && page.nextContinuationToken() != null;
            int left = maxKeys - items.size();
            if (!more || left <= 0) {
                break;
            }
            request = first.with(withPage(query, Math.min(PAGE, left), page.nextContinuationToken()));
        }
        out.put("count", items.size()).put("truncated", more);
        if (more && lastKey != null) {
            out.put("nextStartAfter", lastKey);
        } else {
            out.putNull("nextStartAfter");
        }
        return out;
    }

    private ObjectNode byAge(ActionContext ctx, S3Settings settings, S3Client.Request first, Map<String, String> query,
                             int maxKeys, String after, ObjectNode out) throws ActionException {
        record Seen(S3Xml.Listed object, String position) {}
        // The maxKeys oldest objects after the position, kept in a heap whose head is the newest of them.
        PriorityQueue<Seen> oldest = new PriorityQueue<>(Comparator.comparing(Seen::position).reversed());
        List<String> prefixes = new ArrayList<>();
        int newer = 0;
        long scanned = 0;
        S3Client.Request request = first;
        while (true) {
            S3Xml.Page page = page(ctx, settings, request);
            for (S3Xml.Listed o : page.objects()) {
                String position = position(o);
                if (position.compareTo(after) > 0) {
                    newer++;
                    oldest.add(new Seen(o, position));
                    if (oldest.size() > maxKeys) {
                        oldest.poll();
                    }
                }
            }
            prefixes.addAll(page.commonPrefixes());
            scanned += page.objects().size();
            if (!page.truncated() || page.nextContinuationToken() == null) {
                break;
            }
            if (scanned >= SCAN_LIMIT) {
                throw ActionException.fatal(S3Failure.TOO_MANY_OBJECTS, first.describe() + " with after: lists more than "
                        + SCAN_LIMIT + " objects under prefix '" + out.path("prefix").asString() + "'; a listing by age "
                        + "reads them all, so narrow the prefix (e.g. by day) or add startAfter");
            }
            request = first.with(withPage(query, PAGE, page.nextContinuationToken()));
        }
        List<Seen> sorted = new ArrayList<>(oldest);
        sorted.sort(Comparator.comparing(Seen::position));
        ArrayNode items = out.putArray("items");
        sorted.forEach(s -> items.add(item(s.object())));
        ArrayNode grouped = out.putArray("prefixes");
        prefixes.forEach(grouped::add);
        return out.put("count", items.size()).put("truncated", newer > items.size()).putNull("nextStartAfter");
    }

    private S3Xml.Page page(ActionContext ctx, S3Settings settings, S3Client.Request request) throws ActionException {
        byte[] xml = client.exchange(settings, request, ctx);
        try {
            return S3Xml.page(xml);
        } catch (XMLStreamException e) {
            throw ActionException.retryable(S3Failure.UNAVAILABLE, request.describe() + " answered a listing that is not "
                    + "S3's XML: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> withPage(Map<String, String> query, int maxKeys, String token) {
        Map<String, String> q = new LinkedHashMap<>(query);
        q.put("max-keys", Integer.toString(maxKeys));
        if (token != null) {
            q.put("continuation-token", token);
            q.remove("start-after");   // the token carries it on
        }
        return q;
    }

    private static ObjectNode item(S3Xml.Listed o) {
        ObjectNode item = JsonNodeFactory.instance.objectNode().put("key", o.key()).put("size", o.size())
                .put("etag", o.etag()).put("storageClass", o.storageClass());
        if (o.lastModified() == null) {
            return item.putNull("lastModified").put("position", position(o));
        }
        return item.put("lastModified", ObjectPosition.format(ObjectPosition.parse(o.lastModified())))
                .put("position", position(o));
    }

    /** An object without a time (no store sends none, but the XML may lack it) sorts before every dated one. */
    private static String position(S3Xml.Listed o) {
        return o.lastModified() == null ? "|" + o.key() : ObjectPosition.of(o.lastModified(), o.key());
    }
}
