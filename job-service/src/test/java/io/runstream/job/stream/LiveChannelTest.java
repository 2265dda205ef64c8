package io.runstream.job.stream;

import io.runstream.job.JobServiceTestSupport;
import io.runstream.platform.test.RealInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live events written by the fan-out straight to each stream's connection ({@link LiveChannel}), over real HTTP:
 * a stream that keeps reading gets every event once and in order, one whose client stopped reading gets its
 * buffer's worth and then {@code gap}, and the response stays well-formed chunked HTTP to its last chunk.
 */
@RealInfrastructure
@DirtiesContext
@AutoConfigureWebTestClient(timeout = "30s")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LiveChannelTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PAD = "x".repeat(16_000);
    private static final Pattern ID = Pattern.compile("\nid:(\\d+)\nevent:run.progress\n");

    @LocalServerPort
    int port;
    @Autowired
    WebTestClient web;
    @Autowired
    StreamLog streamLog;
    @Autowired
    TransactionalOperator tx;
    @Autowired
    StreamDispatcher dispatcher;

    @Test
    void aStreamThatStopsReading_getsItsBufferThenAGap_whileAStreamThatReads_getsEveryEventOnceInOrder() throws Exception {
        String tenant = "live-" + System.nanoTime();
        String token = JobServiceTestSupport.token("carol", tenant);
        int before = dispatcher.liveChannelCount();

        try (Socket slow = new Socket()) {
            // a small receive window, so that the kernel's buffers fill early and the rest waits in job-service
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("localhost", port));
            slow.setSoTimeout(10_000);
            slow.getOutputStream().write(("GET /api/v1/events/runs?job_id=test/live HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + token + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String head = readUntil(slow.getInputStream(), ":stream open");
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");

            List<Long> ids = new CopyOnWriteArrayList<>();
            Disposable reading = web.get().uri("/api/v1/events/runs?job_id=test/live").header("Authorization", token)
                    .accept(MediaType.TEXT_EVENT_STREAM).exchange().expectStatus().isOk()
                    .returnResult(JobServiceTestSupport.SSE).getResponseBody()
                    .filter(event -> "run.progress".equals(event.event()))
                    .map(ServerSentEvent::id).map(Long::parseLong)
                    .subscribe(ids::add);
            try {
                await().atMost(Duration.ofSeconds(10)).until(() -> dispatcher.liveChannelCount() == before + 2);

                // 16 KB events, 50 at a time, until the slow stream is dropped: its 512 KB buffer (the default) comes
                // after the kernel's socket buffers, up to 4 MB on loopback here; at most 12.8 MB
                int events = 0;
                while (dispatcher.liveChannelCount() > before + 1 && events < 800) {
                    int from = events;
                    Flux.range(from, 50).concatMap(n -> tx.transactional(streamLog.append(tenant + "-" + n, tenant,
                            "run-" + tenant, "test/live", "run.progress", Instant.now(), 1, null,
                            JSON.valueToTree(Map.of("n", n, "pad", PAD))))).blockLast();
                    events += 50;
                    // the reading stream keeps up (its own buffer is the same 512 KB): the next 50 once it has these
                    int sent = events;
                    await().atMost(Duration.ofSeconds(30)).until(() -> ids.size() >= sent);
                }
                int appended = events;

                await().atMost(Duration.ofSeconds(30)).until(() -> ids.size() >= appended);
                assertThat(ids).hasSize(appended).isSorted().doesNotHaveDuplicates();

                // the slow client reads again: what it was given, in order, then the gap and the response's last chunk
                String rest = readUntil(slow.getInputStream(), "\r\n0\r\n\r\n");
                assertThat(rest).contains("event:gap\n").contains("\"reason\":\"slow_consumer\"").endsWith("\r\n0\r\n\r\n");
                List<Long> slowIds = idsIn(head + rest);
                assertThat(slowIds).isNotEmpty().hasSizeLessThan(appended).isSorted().doesNotHaveDuplicates()
                        .isEqualTo(ids.subList(0, slowIds.size()));
                assertThat(rest).contains("\"last_event_id\":\"" + slowIds.get(slowIds.size() - 1) + "\"");
                assertThat(dispatcher.liveChannelCount()).isEqualTo(before + 1);
            } finally {
                reading.dispose();
            }
        }
    }

    private static List<Long> idsIn(String stream) {
        Matcher matcher = ID.matcher(stream);
        List<Long> ids = new java.util.ArrayList<>();
        while (matcher.find()) {
            ids.add(Long.parseLong(matcher.group(1)));
        }
        return ids;
    }

    /** Reads until {@code marker} has been read (or the stream ends, or 10 s pass without a byte). */
    private static String readUntil(InputStream in, String marker) throws Exception {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            int n;
            while (!read.toString(StandardCharsets.UTF_8).contains(marker) && (n = in.read(buffer)) >= 0) {
                read.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException quiet) {
            // what arrived is the answer
        }
        return read.toString(StandardCharsets.UTF_8);
    }
}
