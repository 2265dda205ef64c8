import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * Cost of one password verification for candidate settings, single thread, after warm-up.
 *   java -cp "$(cat /tmp/auth-cp.txt)" bench/auth/HashCost.java
 * (the classpath: ./mvnw -q -o -pl auth-service dependency:build-classpath -Dmdep.outputFile=/tmp/auth-cp.txt)
 */
public class HashCost {
    public static void main(String[] args) {
        Map<String, PasswordEncoder> candidates = new LinkedHashMap<>();
        candidates.put("argon2id m=19MiB t=2 p=1 (chosen, OWASP minimum)", new Argon2PasswordEncoder(16, 32, 1, 19456, 2));
        candidates.put("argon2id m=12MiB t=3 p=1 (OWASP alternative)", new Argon2PasswordEncoder(16, 32, 1, 12288, 3));
        candidates.put("argon2id m=46MiB t=1 p=1 (OWASP alternative)", new Argon2PasswordEncoder(16, 32, 1, 47104, 1));
        candidates.put("argon2id m=64MiB t=3 p=1", new Argon2PasswordEncoder(16, 32, 1, 65536, 3));
        candidates.put("bcrypt cost 10", new BCryptPasswordEncoder(10));
        candidates.put("bcrypt cost 12", new BCryptPasswordEncoder(12));
        System.out.println("| setting | p50 ms | p90 ms |");
        System.out.println("|---|---|---|");
        for (var entry : candidates.entrySet()) {
            PasswordEncoder encoder = entry.getValue();
            String hash = encoder.encode("Bench-passw0rd");
            for (int i = 0; i < 3; i++) {
                encoder.matches("Bench-passw0rd", hash);
            }
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                long start = System.nanoTime();
                encoder.matches("Bench-passw0rd", hash);
                times.add(System.nanoTime() - start);
            }
            Collections.sort(times);
            System.out.printf("| %s | %.1f | %.1f |%n", entry.getKey(), times.get(7) / 1e6, times.get(13) / 1e6);
        }
    }
}
