package dev.braid.connectors.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body in memory up to a limit and cancels the download past it, so a huge
 * response costs at most the limit, not the heap. A declared {@code Content-Length} over the limit is
 * refused before the first byte is read.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** Raised through the response future when a body passes the limit. */
    static final class TooLargeException extends IOException {
        TooLargeException(long limit) {
            super("the response body is larger than " + limit + " bytes");
        }
    }

    private final long limit;
    private final long declaredLength;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private BoundedBody(long limit, long declaredLength) {
        this.limit = limit;
        this.declaredLength = declaredLength;
    }

    static HttpResponse.BodyHandler<byte[]> handler(long limit) {
        return info -> new BoundedBody(limit, info.headers().firstValueAsLong("content-length").orElse(-1));
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (declaredLength > limit) {
            refuse();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (body.isDone()) {
            return;   // items already in flight when we cancelled
        }
        for (ByteBuffer item : items) {
            if (buffer.size() + (long) item.remaining() > limit) {
                refuse();
                return;
            }
            byte[] chunk = new byte[item.remaining()];
            item.get(chunk);
            buffer.writeBytes(chunk);
        }
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        body.complete(buffer.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    private void refuse() {
        subscription.cancel();
        body.completeExceptionally(new TooLargeException(limit));
    }
}
