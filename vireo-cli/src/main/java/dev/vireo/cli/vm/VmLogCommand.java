package dev.vireo.cli.vm;

import dev.vireo.cli.DaemonCalls;
import dev.vireo.cli.Main;
import dev.vireo.cli.VireoCliException;
import dev.vireo.daemon.client.DaemonClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vireo vm log NAME [-f]}: the console log; {@code -f} follows it until the VM stops. */
@Command(name = "log", mixinStandardHelpOptions = true, description = "Print a VM's console log (-f follows it until the VM stops).")
final class VmLogCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME") String name;
    @Option(names = {"-f", "--follow"}) boolean follow;

    @Override
    public Integer call() {
        String path = "/api/vms/" + DaemonCalls.segment(name) + "/log" + (follow ? "?follow=true" : "");
        try (DaemonClient.Stream stream = DaemonCalls.client().open("GET", path, null, Map.of())) {
            if (stream.status() >= 400) {
                String body = new String(stream.in().readAllBytes(), StandardCharsets.UTF_8);
                throw new VireoCliException(new DaemonClient.Response(stream.status(), body).error());
            }
            byte[] buffer = new byte[8192];
            int n;
            while ((n = stream.in().read(buffer)) >= 0) {
                System.out.write(buffer, 0, n);
                System.out.flush();
            }
        } catch (DaemonClient.Unavailable e) {
            throw new VireoCliException(e.getMessage());
        } catch (IOException e) {
            throw new VireoCliException("reading the log of vm '" + name + "' failed: " + e.getMessage(), e);
        }
        return Main.EXIT_OK;
    }
}
