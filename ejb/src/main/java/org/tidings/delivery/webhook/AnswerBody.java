package org.tidings.delivery.webhook;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads the start of an answer's body, at most {@code limit} bytes. An answer that fills the limit completes at
 * once and the rest is not read: the exchange is cancelled and its connection closed, so an endless or huge
 * answer costs neither memory nor time. Shorter answers are read to their end, which keeps the connection alive.
 */
final class AnswerBody implements HttpResponse.BodySubscriber<byte[]> {

    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final byte[] buffer;
    private int size;
    private Flow.Subscription subscription;

    AnswerBody(int limit) {
        this.buffer = new byte[limit];
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        for (ByteBuffer item : items) {
            int n = Math.min(item.remaining(), buffer.length - size);
            item.get(buffer, size, n);
            size += n;
            if (size == buffer.length) {
                subscription.cancel();
                body.complete(buffer);
                return;
            }
        }
        subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
        body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        body.complete(Arrays.copyOf(buffer, size));
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }
}
