package io.runstream.dataset.upload;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ContentJoiningTest {

    final NettyDataBufferFactory factory = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);

    @Test
    void smallPieces_areJoinedIntoPiecesOfAtLeastTheSize_withEveryByteInOrder() {
        Random random = new Random(3);
        ByteArrayOutputStream sent = new ByteArrayOutputStream();
        List<DataBuffer> pieces = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            byte[] piece = new byte[1 + random.nextInt(3000)];
            random.nextBytes(piece);
            sent.writeBytes(piece);
            pieces.add(factory.wrap(piece));
        }
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        List<Integer> sizes = ContentJoining.join(Flux.fromIterable(pieces), 64 * 1024)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    received.writeBytes(bytes);
                    return bytes.length;
                })
                .collectList().block();
        assertThat(received.toByteArray()).isEqualTo(sent.toByteArray());
        assertThat(sizes.subList(0, sizes.size() - 1)).allSatisfy(size -> assertThat(size).isGreaterThanOrEqualTo(64 * 1024));
        assertThat(sizes.size()).isBetween(sent.size() / (64 * 1024 + 3000), sent.size() / (64 * 1024) + 1);
    }

    @Test
    void aCancelledUpload_releasesThePiecesHeldForJoining() {
        List<NettyDataBuffer> pieces = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pieces.add(factory.allocateBuffer(100).write(new byte[100]));
        }
        // the joiner holds all ten (1,000 bytes < 64 KB) when the consumer goes away
        ContentJoining.join(Flux.<DataBuffer>fromIterable(pieces).concatWith(Flux.never()), 64 * 1024)
                .subscribe().dispose();
        assertThat(pieces).allSatisfy(piece -> assertThat(piece.getNativeBuffer().refCnt()).isZero());
    }
}
