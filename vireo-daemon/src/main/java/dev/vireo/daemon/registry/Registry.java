package dev.vireo.daemon.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vireo.daemon.ApiException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The daemon's registry: VMs, volumes, templates and networks in an embedded H2 database under
 * VIREO_HOME/registry (see docs/daemon.md for why H2). The daemon is its only writer; H2's
 * file lock also keeps a second daemon on the same VIREO_HOME from opening it.
 * All methods are synchronized on one connection: registry writes are rare and small.
 */
public final class Registry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
    private static final int DUPLICATE_KEY = 23505;

    private final Connection connection;

    private Registry(Connection connection) { this.connection = connection; }

    /** Opens (creating when absent) and migrates the registry in {@code directory}. */
    public static Registry open(Path directory) throws SQLException {
        String url = "jdbc:h2:file:" + directory.resolve("vireo").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
        Connection connection;
        try {
            connection = DriverManager.getConnection(url, "vireo", "");
        } catch (SQLException e) {
            if (e.getErrorCode() == 90020) {
                throw new SQLException("the registry in " + directory + " is in use by another vireod; "
                        + "stop that daemon or use another VIREO_HOME", e);
            }
            throw e;
        }
        Migrations.apply(connection);
        return new Registry(connection);
    }

    public synchronized int schemaVersion() throws SQLException { return Migrations.current(connection); }

    // ---- VMs

    public synchronized void insertVm(VmRecord vm) {
        String sql = "INSERT INTO vms (name, cpus, memory_bytes, kernel, initrd, append_line, firmware, disks, nics,"
                + " state, reason, pid, pid_start, created_at, autostart) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, vm.name());
            s.setInt(2, vm.cpus());
            s.setLong(3, vm.memoryBytes());
            s.setString(4, vm.kernel());
            s.setString(5, vm.initrd());
            s.setString(6, vm.append());
            s.setString(7, vm.firmware());
            s.setString(8, json(vm.disks()));
            s.setString(9, json(vm.nics()));
            s.setString(10, vm.state().name());
            s.setString(11, vm.reason());
            setLong(s, 12, vm.pid());
            s.setString(13, vm.pidStart());
            s.setTimestamp(14, Timestamp.from(vm.createdAt()));
            s.setBoolean(15, vm.autostart());
            s.executeUpdate();
        } catch (SQLException e) {
            if (e.getErrorCode() == DUPLICATE_KEY) {
                throw ApiException.conflict("vm '" + vm.name() + "' already exists; choose another name or delete it first");
            }
            throw failure(e);
        }
    }

    public synchronized Optional<VmRecord> findVm(String name) {
        List<VmRecord> found = queryVms("SELECT * FROM vms WHERE name = ?", name);
        return found.stream().findFirst();
    }

    public synchronized List<VmRecord> listVms() { return queryVms("SELECT * FROM vms ORDER BY name", null); }

    public synchronized void updateState(String name, VmState state, String reason, Long pid, String pidStart) {
        try (PreparedStatement s = connection.prepareStatement("UPDATE vms SET state = ?, reason = ?, pid = ?, pid_start = ? WHERE name = ?")) {
            s.setString(1, state.name());
            s.setString(2, reason);
            setLong(s, 3, pid);
            s.setString(4, pidStart);
            s.setString(5, name);
            s.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized void setAutostart(String name, boolean autostart) {
        update("UPDATE vms SET autostart = ? WHERE name = ?", autostart, name);
    }

    public synchronized boolean deleteVm(String name) { return update("DELETE FROM vms WHERE name = ?", name) > 0; }

    private List<VmRecord> queryVms(String sql, String parameter) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            if (parameter != null) s.setString(1, parameter);
            List<VmRecord> vms = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long pid = r.getLong("pid");
                    Long pidValue = r.wasNull() ? null : pid;
                    vms.add(new VmRecord(r.getString("name"), r.getInt("cpus"), r.getLong("memory_bytes"),
                            r.getString("kernel"), r.getString("initrd"), r.getString("append_line"), r.getString("firmware"),
                            strings(r.getString("disks")), strings(r.getString("nics")), r.getBoolean("autostart"),
                            VmState.valueOf(r.getString("state")), r.getString("reason"), pidValue, r.getString("pid_start"),
                            r.getTimestamp("created_at").toInstant()));
                }
            }
            return vms;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    // ---- volumes

    public synchronized void insertDisk(DiskRecord disk) {
        String sql = "INSERT INTO disks (name, format, size_bytes, path, backing, read_only, created_at) VALUES (?,?,?,?,?,?,?)";
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, disk.name());
            s.setString(2, disk.format());
            s.setLong(3, disk.sizeBytes());
            s.setString(4, disk.path());
            s.setString(5, disk.backing());
            s.setBoolean(6, disk.readOnly());
            s.setTimestamp(7, Timestamp.from(disk.createdAt()));
            s.executeUpdate();
        } catch (SQLException e) {
            if (e.getErrorCode() == DUPLICATE_KEY) {
                throw ApiException.conflict("disk '" + disk.name() + "' already exists; choose another name or delete it first");
            }
            throw failure(e);
        }
    }

    public synchronized Optional<DiskRecord> findDisk(String name) {
        return queryDisks("SELECT * FROM disks WHERE name = ?", name).stream().findFirst();
    }

    public synchronized List<DiskRecord> listDisks() { return queryDisks("SELECT * FROM disks ORDER BY name", null); }

    public synchronized void setDiskSize(String name, long sizeBytes) {
        update("UPDATE disks SET size_bytes = ? WHERE name = ?", sizeBytes, name);
    }

    public synchronized boolean deleteDisk(String name) { return update("DELETE FROM disks WHERE name = ?", name) > 0; }

    private List<DiskRecord> queryDisks(String sql, String parameter) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            if (parameter != null) s.setString(1, parameter);
            List<DiskRecord> disks = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    disks.add(new DiskRecord(r.getString("name"), r.getString("format"), r.getLong("size_bytes"),
                            r.getString("path"), r.getString("backing"), r.getBoolean("read_only"),
                            r.getTimestamp("created_at").toInstant()));
                }
            }
            return disks;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public synchronized void updateDisk(DiskRecord disk) {
        update("UPDATE disks SET format = ?, size_bytes = ?, path = ?, backing = ?, read_only = ? WHERE name = ?",
                disk.format(), disk.sizeBytes(), disk.path(), disk.backing(), disk.readOnly(), disk.name());
    }

    // ---- templates (definition: JSON of dev.vireo.daemon.vm.Template)

    public synchronized void insertTemplate(String name, String definition) {
        try (PreparedStatement s = connection.prepareStatement("INSERT INTO templates (name, definition, created_at) VALUES (?,?,?)")) {
            s.setString(1, name);
            s.setString(2, definition);
            s.setTimestamp(3, Timestamp.from(java.time.Instant.now()));
            s.executeUpdate();
        } catch (SQLException e) {
            if (e.getErrorCode() == DUPLICATE_KEY) {
                throw ApiException.conflict("template '" + name + "' already exists; choose another name (--name) or delete it first");
            }
            throw failure(e);
        }
    }

    public synchronized Optional<String> findTemplate(String name) {
        return templates("SELECT name, definition FROM templates WHERE name = ?", name).values().stream().findFirst();
    }

    /** Template name → definition, by name. */
    public synchronized java.util.Map<String, String> listTemplates() {
        return templates("SELECT name, definition FROM templates ORDER BY name", null);
    }

    public synchronized boolean deleteTemplate(String name) { return update("DELETE FROM templates WHERE name = ?", name) > 0; }

    private java.util.Map<String, String> templates(String sql, String parameter) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            if (parameter != null) s.setString(1, parameter);
            java.util.Map<String, String> found = new java.util.LinkedHashMap<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) found.put(r.getString(1), r.getString(2));
            }
            return found;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    // ---- networks

    public synchronized void insertNetwork(NetworkRecord network) {
        String sql = "INSERT INTO networks (name, mode, dhcp, host_address, bridge, acl, created_at) VALUES (?,?,?,?,?,?,?)";
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, network.name());
            s.setString(2, network.mode());
            s.setString(3, network.dhcp());
            s.setString(4, network.hostAddress());
            s.setString(5, network.bridge());
            s.setString(6, network.acl());
            s.setTimestamp(7, Timestamp.from(network.createdAt()));
            s.executeUpdate();
        } catch (SQLException e) {
            if (e.getErrorCode() == DUPLICATE_KEY) {
                throw ApiException.conflict("network '" + network.name() + "' already exists; choose another name or delete it first (vireo net delete " + network.name() + ")");
            }
            throw failure(e);
        }
    }

    public synchronized Optional<NetworkRecord> findNetwork(String name) {
        return queryNetworks("SELECT * FROM networks WHERE name = ?", name).stream().findFirst();
    }

    public synchronized List<NetworkRecord> listNetworks() { return queryNetworks("SELECT * FROM networks ORDER BY name", null); }

    public synchronized boolean deleteNetwork(String name) { return update("DELETE FROM networks WHERE name = ?", name) > 0; }

    private List<NetworkRecord> queryNetworks(String sql, String parameter) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            if (parameter != null) s.setString(1, parameter);
            List<NetworkRecord> networks = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    networks.add(new NetworkRecord(r.getString("name"), r.getString("mode"), r.getString("dhcp"),
                            r.getString("host_address"), r.getString("bridge"), r.getString("acl"), r.getTimestamp("created_at").toInstant()));
                }
            }
            return networks;
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    // ---- helpers

    private int update(String sql, Object... parameters) {
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) s.setObject(i + 1, parameters[i]);
            return s.executeUpdate();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) s.setNull(index, Types.BIGINT);
        else s.setLong(index, value);
    }

    private static String json(List<String> values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> strings(String json) {
        try {
            return JSON.readValue(json, STRINGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RegistryException failure(SQLException e) {
        return new RegistryException("registry error: " + e.getMessage() + "; the daemon log has the details", e);
    }

    @Override
    public synchronized void close() throws SQLException { connection.close(); }

    /** A database failure the client cannot fix (a 500). */
    public static final class RegistryException extends RuntimeException {
        RegistryException(String message, Throwable cause) { super(message, cause); }
    }
}
