package dev.braid.app.http;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.coyote.Constants;
import org.apache.coyote.Request;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.coyote.http11.Http11Processor;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Tomcat's HTTP/1.1 connector with a deadline for the request line and headers. Tomcat's own
 * {@code connectionTimeout} is a limit per read: a client that sends one header line every few seconds
 * resets it each time and can hold a connection (a file descriptor, a connection slot) for ever —
 * slowloris. Once a second, every connection whose request started arriving more than
 * {@code headerDeadline} ago and still has not sent all its headers is closed, with no answer, as
 * Tomcat closes a connection whose read timed out. The body is not covered: it is read by the
 * application, under {@code braid.limits.max-body-size} and the per-read timeout.
 */
public class HeaderDeadlineProtocol extends Http11NioProtocol {

    private static final long CHECK_EVERY_MILLIS = 1000;

    private volatile long deadlineNanos = Duration.ofSeconds(10).toNanos();
    private ScheduledFuture<?> sweeper;

    public void setHeaderDeadline(Duration deadline) {
        this.deadlineNanos = deadline.toNanos();
    }

    public Duration getHeaderDeadline() {
        return Duration.ofNanos(deadlineNanos);
    }

    @Override
    public void start() throws Exception {
        super.start();
        sweeper = getUtilityExecutor().scheduleWithFixedDelay(this::closeLateHeaders, CHECK_EVERY_MILLIS,
                CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws Exception {
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        super.stop();
    }

    /** Closes the connections whose request line and headers are overdue; returns how many. */
    int closeLateHeaders() {
        int closed = 0;
        long now = System.nanoTime();
        try {
            for (SocketWrapperBase<NioChannel> connection : getEndpoint().getConnections()) {
                if (connection.getCurrentProcessor() instanceof Http11Processor processor
                        && !processor.isAsync() && !processor.isUpgrade() && overdue(processor.getRequest(), now)) {
                    closeAsTimedOut(connection);
                    closed++;
                }
            }
        } catch (RuntimeException e) {
            getLog().warn("The check for connections with overdue headers failed", e); // next second tries again
        }
        return closed;
    }

    /**
     * Tomcat keeps a processor on a connection between reads only while a request's line or headers are
     * incomplete (and for async requests, excluded above); it leaves {@code service()} with the stage
     * ENDED then. The start time is marked when the request line's first byte is read.
     */
    private boolean overdue(Request request, long now) {
        long started = request.getStartTimeNanos();
        return request.getRequestProcessor().getStage() == Constants.STAGE_ENDED && started > 0
                && now - started > deadlineNanos;
    }

    private void closeAsTimedOut(SocketWrapperBase<NioChannel> connection) {
        // The same path as a read timeout of Tomcat's own poller: an ERROR event, handled by a worker.
        if (!getEndpoint().processSocket(connection, SocketEvent.ERROR, true)) {
            connection.close();
        }
    }
}
