package io.runstream.dataset.upload;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import reactor.core.publisher.Flux;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Joins a file part's content, as the network delivers it in pieces of a few kilobytes, into pieces of about
 * {@code runstream.dataset.upload.coalesce-bytes}: the file write (and the validation following it) pays per piece.
 * Joining is cheap: Netty buffers are composed, not copied. It comes after {@link MultipartStream}, whose delimiter
 * search reads a plain buffer eight bytes at a time and a composed one byte by byte.
 */
final class ContentJoining {

    private ContentJoining() {
    }

    /** @param bytes the least size of a joined piece (but the last); 0 or less: pieces as they come */
    static Flux<DataBuffer> join(Flux<DataBuffer> content, int bytes) {
        if (bytes <= 0) {
            return content;
        }
        return Flux.defer(() -> {
            AtomicLong pending = new AtomicLong();
            return content.bufferUntil(buffer -> {
                        if (pending.addAndGet(buffer.readableByteCount()) < bytes) {
                            return false;
                        }
                        pending.set(0);
                        return true;
                    })
                    .map(pieces -> pieces.size() == 1 ? pieces.get(0) : pieces.get(0).factory().join(pieces))
                    .doOnDiscard(DataBuffer.class, DataBufferUtils::release);
        });
    }
}
