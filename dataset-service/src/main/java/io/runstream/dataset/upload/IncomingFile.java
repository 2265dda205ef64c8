package io.runstream.dataset.upload;

import org.springframework.core.io.buffer.DataBuffer;
import reactor.core.publisher.Flux;

/** One uploaded file as it arrives: the client's name for it and its bytes, streamed (consume once). */
public record IncomingFile(String fileName, Flux<DataBuffer> content) {
}
