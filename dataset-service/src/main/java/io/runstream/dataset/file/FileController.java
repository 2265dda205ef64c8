package io.runstream.dataset.file;

import io.runstream.platform.security.Caller;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.util.Map;

@RestController
@RequestMapping("/api/v1/files")
class FileController {

    static final MediaType TEXT_CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    private final FileService files;

    FileController(FileService files) {
        this.files = files;
    }

    @GetMapping("/list")
    @PreAuthorize("hasAuthority('datasets:read')")
    Mono<FileViews.Page> list(@RequestParam("dataset_id") long datasetId, Caller caller) {
        return files.list(caller.tenant(), datasetId);
    }

    @GetMapping("/view")
    @PreAuthorize("hasAuthority('datasets:read')")
    Mono<FileViews.Content> view(@RequestParam("file_id") long fileId,
                                 @RequestParam(name = "lines", required = false) Integer lines, Caller caller) {
        return files.view(caller.tenant(), fileId, lines);
    }

    @GetMapping({"/get_file_by_id", "/get_file_by_id/"})
    @PreAuthorize("hasAuthority('datasets:read')")
    Mono<FileViews.Detail> get(@RequestParam("file_id") long fileId, Caller caller) {
        return files.get(caller.tenant(), fileId);
    }

    @DeleteMapping("/delete/{id}")
    @PreAuthorize("hasAuthority('datasets:write') or hasAuthority('can_delete_dataset')")
    Mono<Map<String, Object>> delete(@PathVariable long id, Caller caller) {
        return files.delete(caller, id).thenReturn(Map.of("id", id, "message", "File deleted successfully"));
    }

    @GetMapping({"/download", "/download/"})
    @PreAuthorize("hasAuthority('datasets:read')")
    Mono<ResponseEntity<Flux<DataBuffer>>> downloadByPath(@RequestParam("file_path") String filePath, Caller caller) {
        return files.downloadByPath(caller.tenant(), filePath).map(FileController::response);
    }

    @GetMapping("/{id}/download")
    @PreAuthorize("hasAuthority('datasets:read')")
    Mono<ResponseEntity<Flux<DataBuffer>>> download(@PathVariable long id, Caller caller) {
        return files.download(caller.tenant(), id).map(FileController::response);
    }

    static ResponseEntity<Flux<DataBuffer>> response(FileViews.Download download) {
        return ResponseEntity.ok()
                .contentType(TEXT_CSV)
                .contentLength(download.size())
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(download.fileName(), StandardCharsets.UTF_8).build().toString())
                .body(download.content());
    }
}
