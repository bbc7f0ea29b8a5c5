package dev.vireo.daemon.registry;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The registry schema, as an ordered list of migrations. {@code schema_version} holds the
 * number of migrations applied; opening a registry applies the missing ones in one
 * transaction each. Never edit a released migration: append a new one.
 */
final class Migrations {
    static final List<String> STEPS = List.of(
            // 1: VMs and volumes
            """
            CREATE TABLE vms (
              name VARCHAR(64) PRIMARY KEY,
              cpus INT NOT NULL,
              memory_bytes BIGINT NOT NULL,
              kernel VARCHAR(4096), initrd VARCHAR(4096), append_line VARCHAR(4096), firmware VARCHAR(4096),
              disks VARCHAR(65536) NOT NULL,
              nics VARCHAR(65536) NOT NULL,
              state VARCHAR(16) NOT NULL,
              reason VARCHAR(4096),
              pid BIGINT,
              pid_start VARCHAR(64),
              created_at TIMESTAMP WITH TIME ZONE NOT NULL);
            CREATE TABLE disks (
              name VARCHAR(64) PRIMARY KEY,
              format VARCHAR(16) NOT NULL,
              size_bytes BIGINT NOT NULL,
              path VARCHAR(4096) NOT NULL,
              backing VARCHAR(4096),
              read_only BOOLEAN NOT NULL,
              created_at TIMESTAMP WITH TIME ZONE NOT NULL)
            """,
            // 2: autostart flag
            "ALTER TABLE vms ADD COLUMN autostart BOOLEAN DEFAULT FALSE NOT NULL",
            // 3: templates (a frozen VM definition whose disks are read-only bases)
            """
            CREATE TABLE templates (
              name VARCHAR(64) PRIMARY KEY,
              definition VARCHAR(65536) NOT NULL,
              created_at TIMESTAMP WITH TIME ZONE NOT NULL)
            """,
            // 4: named networks (vireo net create); the options column set depends on the mode
            """
            CREATE TABLE networks (
              name VARCHAR(64) PRIMARY KEY,
              mode VARCHAR(16) NOT NULL,
              dhcp VARCHAR(64),
              host_address VARCHAR(64),
              bridge VARCHAR(64),
              created_at TIMESTAMP WITH TIME ZONE NOT NULL)
            """,
            // 5: a named network's per-port ACLs (the text of an ACL file, docs/networking.md)
            "ALTER TABLE networks ADD COLUMN acl VARCHAR(65536)");

    private Migrations() {}

    /** Applies the missing migrations; returns the schema version reached. */
    static int apply(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL)");
        }
        int version = current(connection);
        if (version > STEPS.size()) {
            throw new SQLException("the registry has schema version " + version + " but this Vireo knows only "
                    + STEPS.size() + "; run the newer Vireo that wrote it");
        }
        for (int step = version; step < STEPS.size(); step++) {
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                for (String sql : STEPS.get(step).split(";\\s*\\n")) {
                    if (!sql.isBlank()) s.execute(sql);
                }
                s.execute("DELETE FROM schema_version");
                s.execute("INSERT INTO schema_version VALUES (" + (step + 1) + ")");
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw new SQLException("registry migration " + (step + 1) + " failed: " + e.getMessage(), e);
            } finally {
                connection.setAutoCommit(true);
            }
        }
        return STEPS.size();
    }

    static int current(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
            return r.next() ? r.getInt(1) : 0;
        }
    }
}
