package dev.braid.app.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.braid.app.store.RunEventPayload;
import dev.braid.app.store.RunEvents;
import dev.braid.app.store.RunRow;
import dev.braid.app.store.RunStore;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * This node's live-event streams ({@code GET /api/v1/events}, ARCHITECTURE §10). What every node's writers
 * announce ({@link RunEvents}) arrives on the node's one listening connection; one feed thread reads the
 * summaries of the announced runs in one query per batch — only while some client is connected or was within
 * the replay window — renders each event once, keeps it in a ring for resumes and offers the batch, as one
 * {@link Chunk} per filter, to each matching client's bounded queue. A client that takes gzip gets the chunk
 * compressed, once for all such clients ({@link GzipChunks}). The feed gathers announcements for
 * {@code braid.events.coalesce} first, because each batch wakes, writes and flushes every stream. A client
 * whose queue is full (it reads slower than runs change) is dropped: the feed never waits for a client, and a client's writes are non-blocking, so a client that stops reading
 * holds nothing but its own queue.
 *
 * <p>Event ids are {@code <node epoch>-<sequence>}, increasing on this node. A {@code Last-Event-ID} of this
 * node whose successors are all still in the ring gets them replayed; one that is older than the ring, of
 * another node or of an earlier start gets a {@code reload} event instead (re-read the lists, then carry on
 * with this stream), as does every client when announcements were lost.
 */
@Component
public class LiveEvents implements RunEvents.Receiver, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveEvents.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int INBOX = 10_000;
    private static final int STREAM_BUFFER = 64 * 1024;
    private static final Chunk PREAMBLE = new Chunk("retry: 2000\n: live events\n\n".getBytes(StandardCharsets.UTF_8), 0);
    private static final Chunk KEEP_ALIVE = new Chunk(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8), 0);

    /** One rendered event; {@code recipe} null: for every client. */
    record Event(long seq, String recipe, Instant at, byte[] frame) {}

    /**
     * Events that go to a client together: their frames, and (for the clients that take gzip) those frames
     * compressed, once for every client that gets the same events.
     */
    static final class Chunk {
        final byte[] plain;
        final int events;
        private volatile byte[] deflated;

        Chunk(byte[] plain, int events) {
            this.plain = plain;
            this.events = events;
        }

        static Chunk of(List<Event> events) {
            int size = 0;
            for (Event e : events) {
                size += e.frame().length;
            }
            byte[] plain = new byte[size];
            int at = 0;
            for (Event e : events) {
                System.arraycopy(e.frame(), 0, plain, at, e.frame().length);
                at += e.frame().length;
            }
            return new Chunk(plain, events.size());
        }

        byte[] deflated() {
            byte[] d = deflated;
            if (d == null) {
                // a batch's chunk is compressed by the feed before any client sees it; the shared preamble and
                // keep-alive may be compressed by several clients at once, which costs a few bytes' work twice
                d = GzipChunks.deflate(plain);
                deflated = d;
            }
            return d;
        }
    }

    private final RunStore runs;
    private final LiveEventSettings settings;
    private final Clock clock;
    private final String epoch = Long.toString(System.currentTimeMillis(), 36);
    private final ArrayDeque<Event> ring = new ArrayDeque<>();
    private long seq; // guarded by ring
    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastClientAt = new AtomicLong(Long.MIN_VALUE);
    private final ArrayBlockingQueue<String> inbox = new ArrayBlockingQueue<>(INBOX);
    private final AtomicBoolean inboxOverflowed = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread feed;

    public LiveEvents(RunStore runs, LiveEventSettings settings, Clock clock) {
        this.runs = runs;
        this.settings = settings;
        this.clock = clock;
    }

    // ---- what arrives -------------------------------------------------------------------------------------

    @Override
    public void received(String payload) {
        if (!inbox.offer(payload)) {
            inboxOverflowed.set(true);
        }
    }

    private void feed() {
        List<String> payloads = new ArrayList<>();
        while (running.get()) {
            try {
                String first = inbox.poll(500, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                payloads.add(first);
                gather(payloads);
                process(payloads);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Live events could not be read ({}); clients are asked to reload", e.getMessage());
                publish(List.of(reload("the server could not read some live events")));
            } finally {
                payloads.clear();
            }
        }
    }

    /**
     * Takes what is announced within the coalescing window after the first announcement. A batch costs each
     * stream a wake-up, a write and a flush whatever its size, and the nodes' announcements arrive in many
     * small pieces: read one by one, 50 streams cost more per run than the runs themselves. A run that changes
     * several times within the window is also sent once.
     */
    private void gather(List<String> payloads) throws InterruptedException {
        long until = System.nanoTime() + settings.coalesce().toNanos();
        while (payloads.size() < INBOX) {
            long left = until - System.nanoTime();
            String next = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            payloads.add(next);
            inbox.drainTo(payloads, INBOX - payloads.size());
        }
    }

    private void process(List<String> payloads) {
        boolean lost = inboxOverflowed.getAndSet(false);
        if (!interested()) {
            // Nobody to tell and nobody to resume: not even a read. What was kept is no longer complete, so a
            // Last-Event-ID from before gets a reload.
            synchronized (ring) {
                ring.clear();
                seq++;
            }
            return;
        }
        List<RunEventPayload.Line> lines = new ArrayList<>();
        payloads.forEach(p -> lines.addAll(RunEventPayload.parse(p)));
        Set<UUID> ids = new LinkedHashSet<>();
        for (RunEventPayload.Line line : lines) {
            switch (line) {
                case RunEventPayload.RunChanged r -> ids.add(r.run());
                case RunEventPayload.StepFinished s -> ids.add(s.run());
                case RunEventPayload.Lost l -> lost = true;
            }
        }
        // Each run's summary is rendered to JSON once per batch, and its run and step events embed that text:
        // rendering trees was most of what the feed cost (a profile under webhook load).
        Map<UUID, String> summaries = new HashMap<>();
        Map<UUID, String> recipes = new HashMap<>();
        if (!ids.isEmpty()) {
            for (RunRow row : runs.summaries(ids)) {
                summaries.put(row.id(), RunView.summary(row).toString());
                recipes.put(row.id(), row.recipe());
            }
        }
        List<Pending> events = new ArrayList<>();
        if (lost) {
            events.add(reload("some live events were lost"));
        }
        // One run event per run (the run as it is now: several changes within a batch are shown once), and one
        // step event per run with the steps that finished, in the order announced.
        Set<UUID> shown = new HashSet<>();
        Map<UUID, ArrayNode> stepEvents = new LinkedHashMap<>();
        for (RunEventPayload.Line line : lines) {
            if (line instanceof RunEventPayload.RunChanged r && summaries.containsKey(r.run()) && shown.add(r.run())) {
                events.add(new Pending("run", recipes.get(r.run()), summaries.get(r.run())));
            } else if (line instanceof RunEventPayload.StepFinished s && summaries.containsKey(s.run())) {
                stepEvents.computeIfAbsent(s.run(), id -> NODES.arrayNode())
                        .addObject().put("path", s.path()).put("status", s.status());
            }
        }
        stepEvents.forEach((id, steps) -> events.add(new Pending("step", recipes.get(id),
                "{\"run\":" + summaries.get(id) + ",\"steps\":" + steps + "}")));
        publish(events);
    }

    /** An event before its id is given. */
    private record Pending(String type, String recipe, String data) {}

    private static Pending reload(String reason) {
        return new Pending("reload", null, NODES.objectNode().put("reason", reason).toString());
    }

    private boolean interested() {
        return !clients.isEmpty() || lastClientAt.get() >= clock.millis() - settings.replayWindow().toMillis();
    }

    private void publish(List<Pending> pending) {
        if (pending.isEmpty()) {
            return;
        }
        List<Event> events = new ArrayList<>(pending.size());
        List<Client> to;
        Instant now = clock.instant();
        synchronized (ring) {
            for (Pending p : pending) {
                Event e = new Event(++seq, p.recipe(), now, frame(seq, p.type(), p.data()));
                events.add(e);
                ring.addLast(e);
            }
            while (!ring.isEmpty() && (ring.size() > settings.replayEvents()
                    || ring.peekFirst().at().isBefore(now.minus(settings.replayWindow())))) {
                ring.pollFirst();
            }
            to = List.copyOf(clients);
        }
        // one chunk per filter: the clients that want the same events share its bytes (and its compression)
        Map<String, Chunk> chunks = new HashMap<>();
        for (Client c : to) {
            Chunk chunk = chunks.computeIfAbsent(c.recipe == null ? "" : c.recipe,
                    r -> Chunk.of(events.stream().filter(e -> matches(e, c.recipe)).toList()));
            if (chunk.events > 0) {
                if (c.gzip) {
                    chunk.deflated(); // here, once, rather than by the first of the woken writers, racing
                }
                c.offer(chunk);
            }
        }
    }

    private static boolean matches(Event e, String recipe) {
        return e.recipe() == null || recipe == null || recipe.equals(e.recipe());
    }

    private byte[] frame(long n, String type, String data) {
        return ("id: " + epoch + "-" + n + "\nevent: " + type + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    // ---- the streams --------------------------------------------------------------------------------------

    /** Clients connected now. */
    public int clients() {
        return clients.size();
    }

    /** Clients dropped for reading too slowly since the start. */
    public long dropped() {
        return dropped.get();
    }

    /** Starts a stream on this request: events of {@code recipe} (null: all) after {@code lastEventId} (null: from now). */
    void open(String recipe, String lastEventId, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (clients.size() >= settings.maxClients()) {
            throw new ApiException(org.springframework.http.HttpStatus.SERVICE_UNAVAILABLE,
                    "This node serves at most " + settings.maxClients() + " live event streams (braid.events.max-clients);"
                            + " try again later or on another node");
        }
        response.setContentType("text/event-stream");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
        response.setBufferSize(STREAM_BUFFER); // a batch of events in few socket writes
        boolean gzip = settings.compress() && GzipChunks.accepted(request.getHeader("Accept-Encoding"));
        response.setHeader("Vary", "Accept-Encoding");
        if (gzip) {
            response.setHeader("Content-Encoding", "gzip");
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(0);
        Client client = new Client(recipe, gzip, async, response.getOutputStream());
        synchronized (ring) {
            String gap = resume(client, lastEventId);
            if (gap != null) {
                client.queue.clear();
                client.queued.set(1);
                client.queue.add(Chunk.of(List.of(new Event(seq, null, clock.instant(), frame(seq, "reload",
                        NODES.objectNode().put("reason", gap).toString())))));
            }
            clients.add(client);
        }
        client.start();
    }

    /** Queues the events after {@code lastEventId} for the client; why it cannot, or null. */
    private String resume(Client client, String lastEventId) {
        if (lastEventId == null || lastEventId.isBlank()) {
            return null;
        }
        int dash = lastEventId.lastIndexOf('-');
        long last;
        try {
            last = Long.parseLong(lastEventId.substring(dash + 1).strip());
        } catch (NumberFormatException e) {
            return "Last-Event-ID '" + lastEventId + "' is not an id of these events";
        }
        if (dash < 0 || !lastEventId.substring(0, dash).strip().equals(epoch) || last > seq) {
            return "Last-Event-ID '" + lastEventId + "' is of another node or an earlier start of this one";
        }
        long oldest = ring.isEmpty() ? seq + 1 : ring.peekFirst().seq();
        if (last + 1 < oldest) {
            return "Last-Event-ID '" + lastEventId + "' is older than the " + settings.replayWindow().toSeconds()
                    + " s (at most " + settings.replayEvents() + " events) this node keeps";
        }
        List<Event> missed = new ArrayList<>();
        for (Event e : ring) {
            if (e.seq() > last && matches(e, client.recipe)) {
                missed.add(e);
            }
        }
        if (missed.size() > settings.clientQueue()) {
            return "more events were missed since Last-Event-ID '" + lastEventId + "' than a stream replays";
        }
        if (!missed.isEmpty()) {
            client.queued.set(missed.size());
            client.queue.add(Chunk.of(missed));
        }
        return null;
    }

    private void closed(Client client) {
        if (clients.remove(client) && clients.isEmpty()) {
            lastClientAt.set(clock.millis());
        }
    }

    /**
     * One stream: a queue bounded in events and a virtual thread writing it with non-blocking writes, as the
     * events' frames or (gzip) their shared compressed form.
     */
    private final class Client implements WriteListener, AsyncListener {
        final String recipe;
        final boolean gzip;
        final ConcurrentLinkedQueue<Chunk> queue = new ConcurrentLinkedQueue<>();
        final AtomicInteger queued = new AtomicInteger();
        final GzipChunks.Sent sent = new GzipChunks.Sent();
        final Semaphore signal = new Semaphore(0);
        final AsyncContext async;
        final ServletOutputStream out;
        volatile boolean done;

        Client(String recipe, boolean gzip, AsyncContext async, ServletOutputStream out) {
            this.recipe = recipe;
            this.gzip = gzip;
            this.async = async;
            this.out = out;
        }

        void offer(Chunk chunk) {
            if (done) {
                return;
            }
            int waiting = queued.addAndGet(chunk.events);
            if (waiting <= settings.clientQueue()) {
                queue.add(chunk);
                signal.release();
            } else {
                dropped.incrementAndGet();
                log.info("A live event stream reads too slowly ({} events waiting); it is dropped", waiting - chunk.events);
                end();
            }
        }

        /** What goes on the wire for {@code chunk}. */
        private byte[] encoded(Chunk chunk) {
            if (!gzip) {
                return chunk.plain;
            }
            sent.add(chunk.plain);
            return chunk.deflated();
        }

        void end() {
            done = true;
            closed(this);
            signal.release();
        }

        void start() {
            async.addListener(this);
            out.setWriteListener(this); // the writer starts when the container says the stream is writable
            Thread.ofVirtual().name("braid-live-client").start(this::write);
        }

        /**
         * Writes what is queued straight into the response (non-blocking: only while the container says it can
         * take more), flushes, and sleeps until an event or writability comes, with a comment after
         * {@code heartbeat} of silence.
         */
        private void write() {
            try {
                byte[] pending = encoded(PREAMBLE);
                if (gzip) {
                    byte[] start = new byte[GzipChunks.HEADER.length + pending.length];
                    System.arraycopy(GzipChunks.HEADER, 0, start, 0, GzipChunks.HEADER.length);
                    System.arraycopy(pending, 0, start, GzipChunks.HEADER.length, pending.length);
                    pending = start;
                }
                boolean unflushed = false;
                long lastWrite = System.nanoTime();
                while (!done) {
                    if (!out.isReady()) {
                        signal.tryAcquire(settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS); // woken by onWritePossible
                        continue;
                    }
                    if (pending == null) {
                        Chunk c = queue.poll();
                        if (c != null) {
                            queued.addAndGet(-c.events);
                            pending = encoded(c);
                        }
                    }
                    if (pending != null) {
                        out.write(pending);
                        pending = null;
                        unflushed = true;
                        lastWrite = System.nanoTime();
                        continue;
                    }
                    if (unflushed) {
                        out.flush();
                        unflushed = false;
                        continue; // flushing may have filled the socket: ask again
                    }
                    signal.drainPermits(); // one wake-up for everything offered so far; what came meanwhile is in the queue
                    if (!queue.isEmpty()) {
                        continue;
                    }
                    boolean woken = signal.tryAcquire(settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
                    if (!woken && System.nanoTime() - lastWrite >= settings.heartbeat().toNanos()) {
                        pending = encoded(KEEP_ALIVE);
                    }
                }
                if (gzip && !running.get() && out.isReady()) {
                    out.write(sent.end()); // the server stops: a complete gzip stream (a dropped client just ends)
                    out.flush();
                }
            } catch (IOException | IllegalStateException e) {
                log.debug("A live event stream closed: {}", e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                end();
                complete();
            }
        }

        private void complete() {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // already completed
            }
        }

        @Override
        public void onWritePossible() {
            signal.release();
        }

        @Override
        public void onError(Throwable t) {
            end();
        }

        @Override
        public void onComplete(AsyncEvent event) {
            end();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            end();
        }

        @Override
        public void onError(AsyncEvent event) {
            end();
            complete(); // the client went away: no error page to render on an event stream
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }

    // ---- lifecycle ----------------------------------------------------------------------------------------

    @Override
    public void start() {
        if (running.compareAndSet(false, true)) {
            feed = Thread.ofPlatform().name("braid-live-feed").daemon().start(this::feed);
        }
    }

    @Override
    public void stop() {
        if (running.compareAndSet(true, false) && feed != null) {
            feed.interrupt();
            List.copyOf(clients).forEach(Client::end);
        }
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }
}
