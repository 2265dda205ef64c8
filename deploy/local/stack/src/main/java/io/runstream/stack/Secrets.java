package io.runstream.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** Secrets generated on the first start and kept, readable by the owner only, in the data folder. */
final class Secrets {

    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    /** A secret read from {@code file}, or generated and written there (mode 600) when the file does not exist yet. */
    static Secret readOrGenerate(Path file, int bytes) throws IOException {
        if (Files.isRegularFile(file)) {
            return new Secret(Files.readString(file, StandardCharsets.UTF_8).trim(), false, file);
        }
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        String value = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.createDirectories(file.getParent());
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temporary);
        Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(temporary, value + "\n", StandardCharsets.UTF_8);
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return new Secret(value, true, file);
    }

    /** A secret and whether this start created it (then it may be shown once). */
    record Secret(String value, boolean generated, Path file) {
    }
}
