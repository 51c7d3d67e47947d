package com.dashjoin.jsonata;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;

import com.dashjoin.jsonata.Parser.Symbol;
import com.dashjoin.jsonata.Utils.JList;

/**
 * The library's evaluator with grouping ({@code events{key: value}}) made linear. Braid's own class,
 * placed in the library's package because the methods it replaces are package-private; keep it in
 * step with the library's version (written against 0.9.8, whose code it follows line by line except
 * where marked).
 *
 * <p>Why: the library adds an item to its group with {@code Functions.append(group, item)}, which
 * copies the whole group each time, so 100,000 items in 10 groups took 9 to 33 s and in one group
 * minutes (issue 13). Here a group's array is copied once, when its second item arrives (exactly as
 * {@code append} does), and then grown in place: no one else holds it, so the answer is the same
 * array {@code append} would have built, only built once. The same for a tuple stream's bindings
 * ({@code events@$e{...}}) when a group is reduced.
 *
 * <p>How it is used: the library runs every evaluation step on the evaluator it keeps per thread
 * ({@code Jsonata.current}); {@link #install} makes one of these that evaluator before an evaluation, {@link #release} takes it back.
 * The class path must load this class and the library in the same class loader (it does: a plain
 * class path, and Spring Boot's jar, load both through one loader).
 */
@SuppressWarnings({"rawtypes", "unchecked"})
public final class GroupingEvaluator extends Jsonata {

    private static final Jsonata TEMPLATE = Jsonata.jsonata("0");
    // Borrowed per evaluation, not kept per thread: runs execute on virtual threads, one per run, so a
    // per-thread evaluator would be built for every run. The pool holds as many as ever ran at once.
    private static final java.util.concurrent.ConcurrentLinkedQueue<GroupingEvaluator> IDLE =
            new java.util.concurrent.ConcurrentLinkedQueue<>();

    private GroupingEvaluator() {
        super(TEMPLATE);
    }

    /**
     * Makes this thread's evaluation steps run on a grouping evaluator. Call right before
     * {@link Jsonata#evaluate(Object, Frame)}: compiling an expression on the thread (which the
     * library's {@code $eval} does too) puts a plain evaluator back. {@code $now()} and
     * {@code $millis()} read the time of this evaluator, so it is set to the evaluation's start.
     */
    public static GroupingEvaluator install() {
        GroupingEvaluator evaluator = IDLE.poll();
        if (evaluator == null) {
            evaluator = new GroupingEvaluator();
        }
        evaluator.timestamp = System.currentTimeMillis();
        current.set(evaluator);
        return evaluator;
    }

    /** Gives back the evaluator {@link #install} lent, once its evaluation has ended. */
    public static void release(GroupingEvaluator evaluator) {
        IDLE.offer(evaluator);
    }

    @Override
    Object evaluateGroupExpression(Symbol expr, Object _input, Frame environment) {
        var result = new LinkedHashMap<Object, Object>();
        var groups = new LinkedHashMap<Object, Group>();
        var reduce = (_input instanceof JList) && ((JList) _input).tupleStream;
        if (!(_input instanceof List)) {
            _input = Utils.createSequence(_input);
        }
        List input = (List) _input;

        // if the array is empty, add an undefined entry to enable literal JSON object to be generated
        // (Braid: without adding it to the input, which may be an array of the evaluation's input)
        if (input.isEmpty()) {
            input = new JList<>();
            input.add(null);
        }

        for (var itemIndex = 0; itemIndex < input.size(); itemIndex++) {
            var item = input.get(itemIndex);
            var env = reduce ? createFrameFromTuple(environment, (Map) item) : environment;
            for (var pairIndex = 0; pairIndex < expr.lhsObject.size(); pairIndex++) {
                var pair = expr.lhsObject.get(pairIndex);
                var key = evaluate(pair[0], reduce ? ((Map) item).get("@") : item, env);
                // key has to be a string
                if (key != null && !(key instanceof String)) {
                    throw new JException("T1003", expr.position, key);
                }
                if (key != null) {
                    Group group = groups.get(key);
                    if (group != null) {
                        // when multiple key expressions evaluate to the same key, then error D1009 must be thrown
                        if (group.exprIndex != pairIndex) {
                            throw new JException("D1009", expr.position, key);
                        }
                        group.append(item);
                    } else {
                        groups.put(key, new Group(item, pairIndex));
                    }
                }
            }
        }

        // iterate over the groups to evaluate the "value" expression
        int idx = 0;
        for (Entry<Object, Group> e : groups.entrySet()) {
            var entry = e.getValue();
            var context = entry.data;
            var env = environment;
            if (reduce) {
                var tuple = reduceTupleStream(entry.data);
                context = ((Map) tuple).get("@");
                ((Map) tuple).remove("@");
                env = createFrameFromTuple(environment, (Map) tuple);
            }
            env.isParallelCall = idx > 0;
            Object res = evaluate(expr.lhsObject.get(entry.exprIndex)[1], context, env);
            if (res != null) {
                result.put(e.getKey(), res);
            }
            idx++;
        }
        return result;
    }

    @Override
    Object reduceTupleStream(Object _tupleStream) {
        if (!(_tupleStream instanceof List)) {
            return _tupleStream;
        }
        List<Map> tupleStream = (List) _tupleStream;
        var result = new LinkedHashMap<>();
        result.putAll(tupleStream.get(0));
        // Braid: each binding's values gathered in one array grown in place, not copied per tuple
        Map<Object, Group> bindings = new HashMap<>();
        for (var ii = 1; ii < tupleStream.size(); ii++) {
            Map el = tupleStream.get(ii);
            for (var prop : el.keySet()) {
                Group values = bindings.computeIfAbsent(prop, p -> new Group(result.get(p), 0));
                values.append(el.get(prop));
                result.put(prop, values.data);
            }
        }
        return result;
    }

    /**
     * What {@code Functions.append} would build from a group's items, built in one array: the first
     * item as it is, then a copy of it joined with the second (by append itself), then the rest added
     * to that copy in place, an array item's elements rather than the array (append's rule).
     */
    private static final class Group {
        Object data;
        final int exprIndex;
        /** Whether {@link #data} is an array append made for this group alone, so it may grow in place. */
        private boolean owned;

        Group(Object first, int exprIndex) {
            this.data = first;
            this.exprIndex = exprIndex;
        }

        void append(Object item) {
            if (item == null) {
                return; // append disregards an undefined item
            }
            List list = owned ? (List) data : null;
            if (list != null && !(list.isEmpty() && item instanceof Utils.RangeList)) {
                if (item instanceof List items) {
                    list.addAll(items);
                } else {
                    list.add(item);
                }
                return;
            }
            Object before = data;
            data = Functions.append(before, item);
            owned = data instanceof JList && data != before && data != item;
        }
    }
}
