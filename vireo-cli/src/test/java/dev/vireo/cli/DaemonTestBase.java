package dev.vireo.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every end-to-end daemon test starts from: a daemon of its own on a fresh VIREO_HOME in
 * a temporary directory ({@link DaemonFixture}), stopped after each test, and a placeholder
 * kernel file for VM definitions (the daemon checks that it exists; the test VMMs run the
 * scripted machine, which never reads it).
 */
abstract class DaemonTestBase {
    @TempDir Path dir;
    DaemonFixture fixture;
    Path kernel;

    @BeforeEach
    void startDaemon() throws Exception {
        fixture = DaemonFixture.start(dir);
        kernel = Files.writeString(dir.resolve("Image"), "placeholder kernel");
    }

    @AfterEach
    void stopDaemon() throws Exception { fixture.close(); }
}
