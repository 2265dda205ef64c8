package io.runstream.dataset.upload;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.codec.multipart.FilePartEvent;
import org.springframework.http.codec.multipart.PartEvent;
import org.springframework.http.codec.multipart.PartEventHttpMessageReader;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Flux;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipartStreamTest {

    static final String BOUNDARY = "q1w2-e3r4_t5y6";
    final NettyDataBufferFactory factory = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);

    /** What a consumer sees of one part: its kind, name, file name and every byte of its body. */
    record Part(boolean file, String name, String filename, String content) {
    }

    @Test
    void randomBodiesInRandomPieces_giveTheSamePartsAsSpringsReader() {
        Random random = new Random(11);
        for (int round = 0; round < 400; round++) {
            byte[] body = randomBody(random);
            List<byte[]> pieces = randomPieces(body, random);
            List<Part> ours = collect(MultipartStream.parse(netty(pieces), BOUNDARY));
            List<Part> springs = collect(spring(netty(pieces)));
            assertThat(ours).as("round %d: %s", round, new String(body, StandardCharsets.ISO_8859_1)).isEqualTo(springs);
            assertThat(ours).isNotEmpty();
        }
    }

    @Test
    void aFileSplitAtEveryPosition_ofItsDelimiter_isReadWhole() {
        String content = "a,b\r\n1,2\r\n--" + BOUNDARY.substring(0, 5) + "\r\r\n-\r\n--x";
        byte[] body = (head("files", "f.csv") + content + "\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < body.length; cut++) {
            for (int second = cut + 1; second < Math.min(body.length, cut + 30); second++) {
                List<byte[]> pieces = List.of(slice(body, 0, cut), slice(body, cut, second), slice(body, second, body.length));
                assertThat(collect(MultipartStream.parse(netty(pieces), BOUNDARY)))
                        .as("cut at %d and %d", cut, second)
                        .containsExactly(new Part(true, "files", "f.csv", content));
            }
        }
    }

    @Test
    void aLargePart_isPassedOnAsSlicesOfTheBuffersThatCarriedIt() {
        byte[] row = "1,2.5,abc,2026-01-01\n".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(head("files", "big.csv").getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 50_000; i++) {
            body.writeBytes(row);
        }
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        List<byte[]> pieces = new ArrayList<>();
        byte[] all = body.toByteArray();
        for (int at = 0; at < all.length; at += 64 * 1024) {
            pieces.add(slice(all, at, Math.min(all.length, at + 64 * 1024)));
        }
        List<Integer> sizes = MultipartStream.parse(netty(pieces), BOUNDARY)
                .map(event -> {
                    int size = event.content().readableByteCount();
                    DataBufferUtils.release(event.content());
                    return size;
                })
                .collectList().block();
        assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(50_000 * row.length);
        assertThat(sizes).hasSizeLessThanOrEqualTo(pieces.size() + 1);
    }

    @Test
    void malformedBodies_answer400() {
        String file = head("files", "a.csv") + "a\n1\n";
        Map<String, String> malformed = Map.of(
                "truncated before the closing boundary", file,
                "no boundary at all", "just text\r\n",
                "empty body", "",
                "garbage after a boundary", "--" + BOUNDARY + "xx\r\n" + file.substring(BOUNDARY.length() + 4),
                "header line without a colon", "--" + BOUNDARY + "\r\nContent-Disposition form-data\r\n\r\nx\r\n--" + BOUNDARY + "--",
                "oversize header block", "--" + BOUNDARY + "\r\nX-Long: " + "y".repeat(MultipartStream.MAX_HEADER_BYTES) + "\r\n\r\n");
        malformed.forEach((what, body) -> assertThatThrownBy(() -> collect(MultipartStream.parse(
                netty(List.of(body.getBytes(StandardCharsets.UTF_8))), BOUNDARY)))
                .as(what)
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> assertThat(e.getStatusCode().value()).isEqualTo(400)));
    }

    @Test
    void aRequestWithoutABoundary_answers400() {
        var request = MockServerHttpRequest.post("/").contentType(MediaType.MULTIPART_FORM_DATA).body("x");
        assertThatThrownBy(() -> MultipartStream.parts(request).blockLast())
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> assertThat(e.getStatusCode().value()).isEqualTo(400));
    }

    @Test
    void everyBufferIsReleased_whenReadWhole_whenMalformed_andWhenTheConsumerGoesAway() {
        byte[] body = (head("files", "a.csv") + "a,b\r\n1,2\r\n" + "\r\n--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--" + BOUNDARY + "--\r\n")
                .getBytes(StandardCharsets.UTF_8);
        Random random = new Random(5);
        for (int round = 0; round < 50; round++) {
            List<byte[]> pieces = randomPieces(body, random);
            List<NettyDataBuffer> whole = nettyList(pieces);
            collect(MultipartStream.parse(Flux.fromIterable(whole), BOUNDARY));
            assertReleased(whole);

            List<NettyDataBuffer> truncated = nettyList(pieces.subList(0, Math.max(1, pieces.size() / 2)));
            assertThatThrownBy(() -> MultipartStream.parse(Flux.fromIterable(truncated), BOUNDARY)
                    .doOnNext(event -> DataBufferUtils.release(event.content())).blockLast())
                    .isInstanceOf(ErrorResponseException.class);
            assertReleased(truncated);

            List<NettyDataBuffer> abandoned = nettyList(pieces);
            MultipartStream.parse(Flux.<DataBuffer>fromIterable(abandoned), BOUNDARY).take(1)
                    .doOnNext(event -> DataBufferUtils.release(event.content())).blockLast();
            assertReleased(abandoned);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void assertReleased(List<NettyDataBuffer> buffers) {
        assertThat(buffers).allSatisfy(buffer -> assertThat(buffer.getNativeBuffer().refCnt()).isZero());
    }

    private static String head(String name, String filename) {
        return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (filename == null ? "" : "; filename=\"" + filename + "\"") + "\r\nContent-Type: text/csv\r\n\r\n";
    }

    /** A body of one to four parts whose contents are made of pieces that resemble the delimiter. */
    private static byte[] randomBody(Random random) {
        String[] tokens = {"a", "1,2", "\r", "\n", "\r\n", "-", "--", "\r\n-", "\r\n--", BOUNDARY.substring(0, 3),
                BOUNDARY.substring(0, BOUNDARY.length() - 1), "\r\n--" + BOUNDARY.substring(0, BOUNDARY.length() - 1), "é", " "};
        StringBuilder body = new StringBuilder();
        if (random.nextInt(4) == 0) {
            body.append("a preamble\r\n");
        }
        int parts = 1 + random.nextInt(4);
        for (int p = 0; p < parts; p++) {
            if (p > 0 || body.length() > 0) {
                body.append("\r\n");
            }
            boolean file = random.nextInt(3) > 0;
            body.append(head(file ? "files" : "field" + p, file ? "f" + p + ".csv" : null));
            int length = random.nextInt(4) == 0 ? 0 : random.nextInt(40);
            for (int t = 0; t < length; t++) {
                body.append(tokens[random.nextInt(tokens.length)]);
            }
        }
        body.append("\r\n--").append(BOUNDARY).append("--");
        if (random.nextBoolean()) {
            body.append("\r\nan epilogue");
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static List<byte[]> randomPieces(byte[] body, Random random) {
        List<byte[]> pieces = new ArrayList<>();
        int at = 0;
        while (at < body.length) {
            int size = random.nextInt(5) == 0 ? 1 + random.nextInt(200) : 1 + random.nextInt(12);
            int end = Math.min(body.length, at + size);
            pieces.add(slice(body, at, end));
            at = end;
        }
        return pieces;
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        byte[] piece = new byte[to - from];
        System.arraycopy(bytes, from, piece, 0, piece.length);
        return piece;
    }

    private List<NettyDataBuffer> nettyList(List<byte[]> pieces) {
        List<NettyDataBuffer> buffers = new ArrayList<>();
        for (byte[] piece : pieces) {
            NettyDataBuffer buffer = factory.allocateBuffer(piece.length);
            buffer.write(piece);
            buffers.add(buffer);
        }
        return buffers;
    }

    private Flux<DataBuffer> netty(List<byte[]> pieces) {
        return Flux.defer(() -> Flux.fromIterable(nettyList(pieces)));
    }

    private static Flux<PartEvent> spring(Flux<DataBuffer> body) {
        var request = MockServerHttpRequest.post("/")
                .contentType(MediaType.parseMediaType("multipart/form-data; boundary=" + BOUNDARY))
                .body(body);
        return new PartEventHttpMessageReader().read(ResolvableType.forClass(PartEvent.class), request, Map.of());
    }

    /** Parts as a consumer sees them: events grouped up to each last one, their content joined. */
    private static List<Part> collect(Flux<PartEvent> events) {
        return events.windowUntil(PartEvent::isLast)
                .concatMap(part -> part.collectList().filter(list -> !list.isEmpty()).map(list -> {
                    PartEvent first = list.get(0);
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    for (PartEvent event : list) {
                        byte[] chunk = new byte[event.content().readableByteCount()];
                        event.content().read(chunk);
                        DataBufferUtils.release(event.content());
                        bytes.writeBytes(chunk);
                    }
                    boolean file = first instanceof FilePartEvent;
                    return new Part(file, first.name(), file ? ((FilePartEvent) first).filename() : null,
                            bytes.toString(StandardCharsets.UTF_8));
                }))
                .collectList().block();
    }
}
