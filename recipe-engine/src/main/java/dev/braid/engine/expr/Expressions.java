package dev.braid.engine.expr;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.dashjoin.jsonata.GroupingEvaluator;
import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSONata expressions and {@code {{ }}} templates (ARCHITECTURE §2), with a time and depth limit per
 * evaluation. A bare expression ({@code if}, {@code foreach}, keys) goes through {@link #evaluate};
 * a template ({@code with:} values, {@code stop.output}) through {@link #render}: a string that is
 * exactly {@code "{{ expr }}"} becomes the expression's JSON value, a string with {@code {{ }}}
 * inside text is interpolated, everything else is copied as it is.
 *
 * <p>Thread-safe. Compiled expressions are cached by their text; a compiled {@link Jsonata} keeps
 * per-evaluation state in its fields, so each cached entry is a small pool of instances rather than
 * one shared instance.
 */
public final class Expressions {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int CACHE_LIMIT = 20_000;
    /**
     * Evaluated after each expression to let go of its input: the library keeps the last input and
     * frame of every thread in a static per-thread evaluator, which would hold a batch of 100,000
     * events in memory until the thread's next evaluation.
     */
    private static final Jsonata FORGET = Jsonata.jsonata("0");

    private final ExpressionLimits limits;
    private final Map<String, Pool> cache = new ConcurrentHashMap<>();

    public Expressions(ExpressionLimits limits) {
        this.limits = limits;
    }

    /** The given time and depth limits with the default size limits. */
    public Expressions(Duration timeLimit, int maxDepth) {
        this(ExpressionLimits.defaults().withTime(timeLimit, maxDepth));
    }

    /**
     * 1 s, a depth of 200, strings of 10 million characters, arrays and objects of a million items:
     * generous for mapping a batch of 100,000 events, tight enough that a runaway ends quickly.
     */
    public static Expressions withDefaults() {
        return new Expressions(ExpressionLimits.defaults());
    }

    public ExpressionLimits limits() {
        return limits;
    }

    /** Checks a bare expression's syntax; throws {@link ExpressionException} naming the problem. */
    public void check(String expression) {
        pool(expression).release(pool(expression).acquire());
    }

    /** Checks every {@code {{ }}} of a template (any JSON); throws on the first broken one. */
    public void checkTemplate(JsonNode template) {
        if (template == null) {
            return;
        }
        if (template.isString()) {
            for (Segment s : Template.parse(template.asString())) {
                if (s.expression()) {
                    check(s.text());
                }
            }
        } else if (template.isContainer()) {
            for (JsonNode child : template.values()) {
                checkTemplate(child);
            }
        }
    }

    /** Whether a JSON string holds a {@code {{ }}} part (and so needs evaluation). */
    public static boolean isTemplate(String s) {
        return s.contains("{{");
    }

    /**
     * Evaluates a bare expression against {@code context}. An undefined result (no match) is
     * answered as {@link tools.jackson.databind.node.MissingNode}; so is a result that is JSON null
     * as a whole, because the library answers both as Java null. Nulls inside objects and arrays
     * are kept.
     */
    public JsonNode evaluate(String expression, JsonNode context) {
        return evaluate(expression, toJava(context));
    }

    /** Truthiness of a bare expression by JSONata's rules ({@code $boolean}). */
    public boolean test(String expression, JsonNode context) {
        Object value = evaluateRaw(expression, toJava(context));
        return Jsonata.boolize(value);
    }

    /** Renders a template: every string with {@code {{ }}} is evaluated, the rest copied. */
    public JsonNode render(JsonNode template, JsonNode context) {
        if (template == null) {
            return null;
        }
        return renderNode(template, context);
    }

    private JsonNode renderNode(JsonNode template, JsonNode context) {
        if (template.isString()) {
            String text = template.asString();
            if (!isTemplate(text)) {
                return template;
            }
            List<Segment> segments = Template.parse(text);
            if (segments.size() == 1 && segments.getFirst().expression()) {
                JsonNode value = evaluate(segments.getFirst().text(), toJava(context));
                return value.isMissingNode() ? NODES.nullNode() : value;
            }
            StringBuilder out = new StringBuilder();
            for (Segment s : segments) {
                if (!s.expression()) {
                    out.append(s.text());
                    continue;
                }
                JsonNode value = evaluate(s.text(), toJava(context));
                if (value.isMissingNode() || value.isNull()) {
                    continue;
                }
                out.append(value.isString() ? value.asString() : JSON.writeValueAsString(value));
                if (out.length() > limits.maxStringLength()) {
                    throw new ExpressionException("The text '" + abbreviate(text) + "' became " + out.length()
                            + " characters long, over the size limit of " + limits.maxStringLength() + " characters");
                }
            }
            return NODES.stringNode(out.toString());
        }
        if (template.isObject()) {
            ObjectNode out = NODES.objectNode();
            for (Map.Entry<String, JsonNode> e : template.properties()) {
                out.set(e.getKey(), renderNode(e.getValue(), context));
            }
            return out;
        }
        if (template.isArray()) {
            ArrayNode out = NODES.arrayNode();
            for (JsonNode child : template.values()) {
                out.add(renderNode(child, context));
            }
            return out;
        }
        return template;
    }

    private JsonNode evaluate(String expression, Object input) {
        return toJson(evaluateRaw(expression, input), expression, limits);
    }

    /**
     * Runs one evaluation inside its {@link Bounds}: the evaluator's entry and exit callbacks (bound
     * in {@link #compile}) and the bounded built-ins read them from this thread.
     */
    private Object evaluateRaw(String expression, Object input) {
        Pool pool = pool(expression);
        Jsonata compiled = pool.acquire();
        GroupingEvaluator grouping = null;
        try (Bounds.Scope bounds = Bounds.open(limits)) {
            grouping = GroupingEvaluator.install();
            return compiled.evaluate(input, compiled.createFrame());
        } catch (RuntimeException e) {
            throw failure(expression, e);
        } catch (StackOverflowError e) {
            throw new ExpressionException("Expression '" + abbreviate(expression) + "' failed: it nested deeper than the"
                    + " stack allows (lower braid.limits.expression-depth, now " + limits.maxDepth() + ")", e);
        } catch (OutOfMemoryError e) {
            throw new ExpressionException("Expression '" + abbreviate(expression) + "' failed: it needed more memory than"
                    + " there is (" + e.getMessage() + ")", e);
        } finally {
            pool.release(compiled);
            FORGET.evaluate(null, FORGET.createFrame());
            if (grouping != null) {
                GroupingEvaluator.release(grouping);
            }
        }
    }

    /** The message naming the limit when one was passed, even where the library wrapped it. */
    private ExpressionException failure(String expression, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ExpressionLimitExceeded limit) {
                return new ExpressionException("Expression '" + abbreviate(expression) + "' failed: " + limit.detail(), e, expression);
            }
        }
        if (e instanceof JException j && "D2014".equals(j.getError())) {
            return new ExpressionException("Expression '" + abbreviate(expression) + "' failed: a range (..) of "
                    + j.getCurrent() + " items, over the size limit of " + limits.maxItems() + " items", e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JException j) {
                return new ExpressionException(describe(expression, j), e, expression);
            }
        }
        return new ExpressionException("Expression '" + abbreviate(expression) + "' failed: " + e.getMessage(), e, expression);
    }

    private Pool pool(String expression) {
        Pool pool = cache.get(expression);
        if (pool == null) {
            // Compile once up front so a syntax error surfaces here and is never cached.
            Jsonata first = compile(expression);
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            pool = cache.computeIfAbsent(expression, e -> new Pool(e));
            pool.release(first);
        }
        return pool;
    }

    private static Jsonata compile(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new ExpressionException("The expression is empty");
        }
        try {
            Jsonata compiled = Jsonata.jsonata(expression);
            compiled.assign("__evaluate_entry", Bounds.CALLBACKS);
            compiled.assign("__evaluate_exit", Bounds.CALLBACKS);
            BoundedFunctions.register(compiled);
            // The library would walk the whole input to check its types before each evaluation, reading
            // every row of every step output; what toJava makes holds JSON types only.
            compiled.setValidateInput(false);
            return compiled;
        } catch (JException e) {
            throw new ExpressionException(describe(expression, e), e, expression);
        } catch (RuntimeException | StackOverflowError e) {
            throw new ExpressionException("Expression '" + abbreviate(expression) + "' is not valid JSONata: " + e.getMessage(), e,
                    expression);
        }
    }

    private static String describe(String expression, JException e) {
        String detail = e.getMessage() == null ? e.getError() : e.getMessage();
        return "Expression '" + abbreviate(expression) + "' is invalid or failed: " + detail;
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    /** JSON to the plain Java values JSONata evaluates (Map, List, String, Number, Boolean, null), converted as read. */
    static Object toJava(JsonNode node) {
        return JsonView.of(node);
    }

    /** A string, boolean or number node as the Java value JSONata evaluates. */
    static Object scalar(JsonNode node) {
        if (node.isString()) {
            return node.asString();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        // Numbers as JSONata's own JSON reader makes them (Integer when it fits, else Long, else Double;
        // 3.0 is 3): its `in`, $distinct and friends compare with equals(), so a Long 1 is not found in [1].
        if (node.isIntegralNumber()) {
            return node.canConvertToLong() ? javaIntegral(node.asLong()) : (Object) node.bigIntegerValue().doubleValue();
        }
        if (node.isNumber()) {
            double d = node.asDouble();
            return d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15 ? javaIntegral((long) d) : (Object) d;
        }
        return node.asString();
    }

    private static Object javaIntegral(long value) {
        return value == (int) value ? (Object) (int) value : (Object) value;
    }

    /** JSONata's result back to JSON; functions cannot be returned. */
    static JsonNode toJson(Object value, String expression, ExpressionLimits limits) {
        if (value == null) {
            return tools.jackson.databind.node.MissingNode.getInstance();
        }
        return toJsonValue(value, expression, new long[] {10L * limits.maxStringLength(), 10L * limits.maxStringLength()});
    }

    /**
     * {@code textLeft[0]} is what the whole answer may still hold in characters, of {@code textLeft[1]}: each string was checked
     * when it was built, but one string repeated a million times in an array is cheap to build and
     * huge to write.
     */
    private static JsonNode toJsonValue(Object value, String expression, long[] textLeft) {
        if (value == null || value == Jsonata.NULL_VALUE) {
            return NODES.nullNode();
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode out = NODES.objectNode();
            // JSONata leaves undefined values out of objects itself; a null left in a map is a JSON null
            // (the library turns its null marker into Java null before answering), so the key stays.
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.set(String.valueOf(e.getKey()), toJsonValue(e.getValue(), expression, textLeft));
            }
            return out;
        }
        if (value instanceof Iterable<?> list) {
            ArrayNode out = NODES.arrayNode();
            for (Iterator<?> it = list.iterator(); it.hasNext();) {
                out.add(toJsonValue(it.next(), expression, textLeft));
            }
            return out;
        }
        if (value instanceof String s) {
            textLeft[0] -= s.length();
            if (textLeft[0] < 0) {
                throw new ExpressionException("Expression '" + abbreviate(expression) + "' failed: its answer holds more than "
                        + textLeft[1] + " characters of text altogether, over the size limit (ten strings of the longest"
                        + " allowed); answer less, or split the work (foreach with chunk)");
            }
            return NODES.stringNode(s);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new ExpressionException("Expression '" + abbreviate(expression) + "' produced a number JSON cannot hold: " + d);
            }
            if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) {
                return integral(d.longValue());
            }
            return NODES.numberNode(d);
        }
        if (value instanceof Float f) {
            return toJsonValue(f.doubleValue(), expression, textLeft);
        }
        if (value instanceof Long l) {
            return integral(l);
        }
        if (value instanceof Integer i) {
            return integral(i.longValue());
        }
        if (value instanceof Number n) {
            return toJsonValue(n.doubleValue(), expression, textLeft);
        }
        throw new ExpressionException("Expression '" + abbreviate(expression) + "' produced a function or an unsupported value ("
                + value.getClass().getSimpleName() + "); answer data instead");
    }

    /**
     * The node Jackson's parser makes for the same number written as JSON (int when it fits, else
     * long), so that an evaluated {@code 3} equals a parsed {@code 3}: JsonNode equality is by type.
     */
    private static JsonNode integral(long value) {
        return value == (int) value ? NODES.numberNode((int) value) : NODES.numberNode(value);
    }

    private static final class Pool {
        private final String expression;
        private final ConcurrentLinkedQueue<Jsonata> idle = new ConcurrentLinkedQueue<>();

        Pool(String expression) {
            this.expression = expression;
        }

        Jsonata acquire() {
            Jsonata j = idle.poll();
            return j != null ? j : compile(expression);
        }

        void release(Jsonata j) {
            if (idle.size() < 64) {
                idle.offer(j);
            }
        }
    }

    record Segment(String text, boolean expression) {}
}
