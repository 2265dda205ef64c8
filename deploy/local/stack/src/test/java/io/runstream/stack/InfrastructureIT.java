package io.runstream.stack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher's PostgreSQL and Kafka: usable from outside with the contract's credentials, and data survives a restart. */
class InfrastructureIT {

    @TempDir
    Path data;

    @Test
    void restart_keepsDatabasesAndTopics() throws Exception {
        int postgresPort = freePort();
        int kafkaPort = freePort();
        int controllerPort = freePort();

        ProcessHandle firstServer;
        try (Infrastructure infrastructure = Infrastructure.start(data, postgresPort, kafkaPort, controllerPort)) {
            firstServer = infrastructure.postgresProcess().orElseThrow();
            assertThat(infrastructure.kafkaBootstrapServers()).isEqualTo("127.0.0.1:" + kafkaPort);
            for (String database : List.of("runstream_auth", "runstream_job", "runstream_dataset", "runstream_training",
                    "runstream_inference")) {
                try (Connection connection = DriverManager.getConnection(infrastructure.jdbcUrl(database), "runstream", "runstream");
                     Statement statement = connection.createStatement();
                     ResultSet row = statement.executeQuery("select current_user, current_database()")) {
                    assertThat(row.next()).isTrue();
                    assertThat(row.getString(1)).isEqualTo("runstream");
                    assertThat(row.getString(2)).isEqualTo(database);
                }
            }
            try (Connection connection = DriverManager.getConnection(infrastructure.jdbcUrl("runstream_job"), "runstream", "runstream");
                 Statement statement = connection.createStatement()) {
                statement.execute("create table kept (value text)");
                statement.execute("insert into kept values ('survives')");
            }
            try (Admin admin = admin(kafkaPort)) {
                admin.createTopics(List.of(new NewTopic("kept-topic", 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        }
        assertThat(firstServer.isAlive()).as("PostgreSQL stopped by close()").isFalse();
        String clusterId = Files.readString(data.resolve("kafka/cluster.id")).trim();

        ProcessHandle secondServer;
        try (Infrastructure infrastructure = Infrastructure.start(data, postgresPort, kafkaPort, controllerPort)) {
            secondServer = infrastructure.postgresProcess().orElseThrow();
            try (Connection connection = DriverManager.getConnection(infrastructure.jdbcUrl("runstream_job"), "runstream", "runstream");
                 Statement statement = connection.createStatement();
                 ResultSet row = statement.executeQuery("select value from kept")) {
                assertThat(row.next()).isTrue();
                assertThat(row.getString(1)).isEqualTo("survives");
            }
            try (Admin admin = admin(kafkaPort)) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept-topic");
                assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isEqualTo(clusterId);
            }
        }
        assertThat(secondServer.isAlive()).as("PostgreSQL stopped by close()").isFalse();
    }

    private static Admin admin(int port) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}
