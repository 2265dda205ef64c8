package io.runstream.job.stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Server-Sent Events frames as bytes, in the same format as Spring's SSE writer ({@code id:}, {@code event:},
 * {@code data:} lines, a blank line after each event; comments as {@code :text}). An event's frame is encoded
 * once when it is read and then copied into every stream that wants it, and a stream writes each batch of
 * frames with one flush: at thousands of subscribers the per-event, per-stream encoding and flushing is what
 * the fan-out spends its time on.
 */
final class SseFrames {

    private static final int CRLF = ('\r' << 8) | '\n';

    private SseFrames() {
    }

    /** An event frame. {@code data} is compact JSON (no line breaks), so it fits one {@code data:} line. */
    static byte[] event(long id, String name, String data) {
        return ("id:" + id + "\nevent:" + name + "\ndata:" + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** An event frame without id: control events ({@code gap}, {@code end}) are not durable and not resumable. */
    static byte[] control(String name, String data) {
        return ("event:" + name + "\ndata:" + data + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] comment(String text) {
        return (":" + text + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A frame as one HTTP/1.1 chunk (its size in hex, CRLF, the frame, CRLF) in a direct buffer: what Netty's HTTP
     * encoder would write around it, for writes that go out below the encoder ({@link LiveChannel}).
     */
    static ByteBuf chunk(ByteBufAllocator allocator, byte[] frame) {
        String size = Integer.toHexString(frame.length);
        ByteBuf chunk = allocator.directBuffer(size.length() + frame.length + 4);
        chunk.writeCharSequence(size, StandardCharsets.US_ASCII);
        chunk.writeShort(CRLF);
        chunk.writeBytes(frame);
        chunk.writeShort(CRLF);
        return chunk;
    }

    /**
     * The frames of a batch in one buffer, and {@code written} is run once the buffer is done with: written to the
     * socket (Netty releases it then) or discarded with a cancelled stream. On a server that is not Netty it runs
     * at once.
     *
     * <p>The buffer is direct, from the connection's allocator: the epoll transport writes only direct memory, and
     * copied every heap buffer into a direct one as it queued it — a fifth of the event loops' time at 10,000
     * streams (JFR).
     */
    static DataBuffer join(DataBufferFactory buffers, List<byte[]> frames, Runnable written) {
        int size = 0;
        for (byte[] frame : frames) {
            size += frame.length;
        }
        if (buffers instanceof NettyDataBufferFactory netty) {
            ByteBuf direct = netty.getByteBufAllocator().directBuffer(size);
            for (byte[] frame : frames) {
                direct.writeBytes(frame);
            }
            return netty.wrap(new ReleaseNotifyingBuffer(netty.getByteBufAllocator(), direct, written));
        }
        DataBuffer buffer = buffers.allocateBuffer(size);
        for (byte[] frame : frames) {
            buffer.write(frame);
        }
        written.run();
        return buffer;
    }

    /**
     * A buffer that tells when its last reference is released. A composite of one component, because that is the
     * subclassable buffer of Netty that still passes for its component: direct, with its memory address, so the
     * transport writes it as it is.
     */
    private static final class ReleaseNotifyingBuffer extends CompositeByteBuf {

        private final Runnable released;

        ReleaseNotifyingBuffer(ByteBufAllocator allocator, ByteBuf direct, Runnable released) {
            super(allocator, true, 1, direct);
            this.released = released;
        }

        @Override
        protected void deallocate() {
            super.deallocate();
            released.run();
        }
    }

    /**
     * Writes a stream of frame batches as the response: {@code text/event-stream}, not cached, each batch
     * flushed as it comes. An error before the first batch (a refused cursor, too many streams) still becomes
     * a problem response, since nothing is committed until then.
     *
     * <p>One send for the whole stream ({@code writeWith}): Reactor Netty writes what has arrived on the
     * connection's event loop and flushes when nothing more is waiting, so a batch is flushed at once and a
     * burst once. {@code writeAndFlushWith} subscribed a new send, and flushed through it, for every batch of
     * every stream.
     */
    static Mono<Void> write(ServerHttpResponse response, Flux<DataBuffer> batches) {
        response.getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
        response.getHeaders().setCacheControl("no-cache");
        return response.writeWith(batches);
    }
}
